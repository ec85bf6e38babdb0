import { Router } from 'express';
import { z } from 'zod';
import {
  sirenCommandIdParam,
  sirenCommandInput,
  sirenImportInput,
  SIREN_KINDS,
  type SirenImportResult,
} from '../../contracts/airdefense';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import { changeHead, lockChangeLog } from '../changes/log';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { parseInput } from '../http/errors';
import { loadCommandDetail, loadCommands } from './commands';
import { networkCoverage } from './coverage';
import { parseSirenCsv } from './csv';
import { listSirens, parseKind, registerSirens, rotateSirenCredential, type SirenRecord } from './registry';
import { airDefenseOf } from './service';

const sirenIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, '警报器编号须为 1–40 位字母、数字、"_" 或 "-"') });

const sirenInput = z
  .object({
    id: sirenIdParam.shape.id,
    name: z.string().trim().min(1, '请填写名称').max(120),
    kind: z
      .string()
      .refine((k) => parseKind(k) !== null, { error: `类型须为 电动、电声、多媒体（或 ${SIREN_KINDS.join('、')}）` }),
    ratedPowerW: z.number().int().min(10, '额定功率至少 10 瓦').max(100_000),
    radiusM: z.number().int().min(50, '有效覆盖半径至少 50 米').max(5000, '有效覆盖半径至多 5000 米'),
    lon: z.number().min(125).max(128),
    lat: z.number().min(44.5).max(46.5),
    site: z.string().trim().max(200).default(''),
  })
  .strict();

/**
 * Civil air defence sirens: the registry (list, register one, import a CSV register, issue a siren's MQTT
 * credential), coverage, and the commands that sound them (propose → confirm by another person).
 */
function airdefenseRoutes({ db }: ReadyState, { readiness }: AppDeps): Router {
  const r = Router();
  const svc = () => airDefenseOf(readiness);

  const register = async (records: SirenRecord[]): Promise<SirenImportResult> => {
    const out = await db.transaction(async (tx) => {
      await lockChangeLog(tx);
      return registerSirens(tx, records);
    });
    readiness.changes.publish(out.changes);
    return { imported: out.imported, updated: out.updated, credentials: out.credentials };
  };

  r.get('/airdefense/sirens', async (req, res) => {
    const seq = await changeHead(db);
    res.setHeader('X-Change-Seq', String(seq));
    res.json(await listSirens(db));
  });

  r.post('/airdefense/sirens', async (req, res) => {
    const input = parseInput(sirenInput, req.body ?? {});
    const result = await register([{ ...input, kind: parseKind(input.kind)!, demo: false }]);
    auditChange(req, { siren: input.id, imported: result.imported, updated: result.updated });
    res.status(result.imported ? 201 : 200).json(result);
  });

  r.post('/airdefense/sirens/import', async (req, res) => {
    const { csv } = parseInput(sirenImportInput, req.body ?? {});
    const result = await register(parseSirenCsv(csv));
    auditChange(req, { imported: result.imported, updated: result.updated });
    res.json(result);
  });

  r.post('/airdefense/sirens/:id/credential', async (req, res) => {
    const { id } = parseInput(sirenIdParam, req.params);
    const credential = await db.transaction((tx) => rotateSirenCredential(tx, id));
    auditChange(req, { siren: id, credential: 'rotated' });
    res.json(credential);
  });

  r.get('/airdefense/signals', (req, res) => {
    const { signals, confirmWithinS, ackWithinS } = svc().signals;
    res.json({ signals, confirmWithinS, ackWithinS });
  });

  r.get('/airdefense/coverage', async (req, res) => {
    res.json(await networkCoverage(db));
  });

  r.get('/airdefense/commands', async (req, res) => {
    const seq = await changeHead(db);
    res.setHeader('X-Change-Seq', String(seq));
    res.json(await loadCommands(db));
  });

  r.get('/airdefense/commands/:id', async (req, res) => {
    const { id } = parseInput(sirenCommandIdParam, req.params);
    res.json(await loadCommandDetail(db, id));
  });

  r.post('/airdefense/commands', async (req, res) => {
    const input = parseInput(sirenCommandInput, req.body ?? {});
    const id = await svc().propose(input, principalOf(req).username);
    const [command] = await loadCommands(db, [id]);
    auditChange(req, { command: id, signal: input.signal, drill: input.drill, state: { from: null, to: 'pending' } });
    res.status(202).json(command);
  });

  r.post('/airdefense/commands/:id/confirm', async (req, res) => {
    const { id } = parseInput(sirenCommandIdParam, req.params);
    await svc().confirm(id, principalOf(req).username);
    const [command] = await loadCommands(db, [id]);
    auditChange(req, { command: id, state: { from: 'pending', to: command!.state } });
    res.json(command);
  });

  return r;
}

export const airdefenseCapability: Capability = {
  name: 'airdefense',
  ready: { paths: ['/airdefense'], routes: airdefenseRoutes },
};
