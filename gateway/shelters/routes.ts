import { Router } from 'express';
import {
  SHELTER_KIND_LABELS,
  SHELTER_KINDS,
  shelterIdParam,
  shelterImportInput,
  shelterOccupancyInput,
  shelterRegisterInput,
  type ShelterImportResult,
  type ShelterKind,
} from '../../contracts/shelters';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import type { ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { numberField, parseRegisterCsv } from './csv';
import { sheltersDerived } from './derived';
import { listShelters, recordOccupancy, registerShelters } from './store';

/** Register CSV columns: id,name,kind,capacity,lon,lat[,opening]; kind as its code or its Chinese name. */
const CSV_REQUIRED = ['id', 'name', 'kind', 'capacity', 'lon', 'lat'] as const;
const kindOf = (v: string | undefined): string | undefined =>
  SHELTER_KINDS.find((k) => k === v || SHELTER_KIND_LABELS[k as ShelterKind] === v) ?? v;

/**
 * Shelters (人防工程 and 应急避难场所): the list with live occupancy, registration from real registers (one by API or
 * many by CSV), and occupancy reports from the air-defence system or by hand. Every write goes out on the change
 * log (layer `shelters`).
 */
function shelterRoutes({ db }: ReadyState): Router {
  const r = Router();

  r.get('/shelters', async (_req, res) => {
    await sheltersDerived(db);
    res.json(await listShelters(db));
  });

  r.get('/shelters/:id', async (req, res) => {
    const { id } = parseInput(shelterIdParam, req.params);
    await sheltersDerived(db);
    const [shelter] = await listShelters(db, [id]);
    if (!shelter) throw new AppError('not_found', `没有编号为 ${id} 的避难场所`);
    res.json(shelter);
  });

  r.post('/shelters', async (req, res) => {
    const record = parseInput(shelterRegisterInput, req.body ?? {});
    const result = await db.transaction((tx) => registerShelters(tx, [record]));
    const [shelter] = await listShelters(db, [record.id]);
    auditChange(req, { shelter: record.id, registered: result.imported === 1 ? 'new' : 'updated' });
    res.status(result.imported ? 201 : 200).json(shelter);
  });

  r.post('/shelters/import', async (req, res) => {
    const { csv } = parseInput(shelterImportInput, req.body ?? {});
    const records = parseRegisterCsv(
      csv,
      CSV_REQUIRED,
      (row) => ({
        id: row.id,
        name: row.name,
        kind: kindOf(row.kind),
        capacity: numberField(row.capacity),
        lon: numberField(row.lon),
        lat: numberField(row.lat),
        ...(row.opening ? { opening: row.opening } : {}),
      }),
      shelterRegisterInput,
    );
    const result = await db.transaction((tx) => registerShelters(tx, records));
    auditChange(req, { sheltersImported: result.imported, sheltersUpdated: result.updated });
    const body: ShelterImportResult & { updated: number } = result;
    res.json(body);
  });

  r.post('/shelters/:id/occupancy', async (req, res) => {
    const { id } = parseInput(shelterIdParam, req.params);
    const input = parseInput(shelterOccupancyInput, req.body ?? {});
    await sheltersDerived(db);
    const shelter = await db.transaction((tx) => recordOccupancy(tx, id, input, principalOf(req).username));
    auditChange(req, { shelter: id, occupancy: shelter.occupancy, opening: shelter.opening, source: input.source });
    res.json(shelter);
  });

  return r;
}

export const sheltersCapability: Capability = { name: 'shelters', ready: { paths: ['/shelters'], routes: shelterRoutes } };
