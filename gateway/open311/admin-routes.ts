import { Router, type Request } from 'express';
import { z } from 'zod';
import { OPEN311_ADMIN_PATHS, channelRevokeInput, type CaseChannel, type Open311ChannelSummary } from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { identityOf } from '../auth/identity';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';

/**
 * The system administrator's side of Open311 channels: every channel with its use (never its key, of which only a
 * digest is stored), and the revocation of a key, after which the channel can neither submit nor read its own
 * requests in full. Both are audited (a revocation with its reason); a key is issued by `POST /api/cases/channels`.
 */

const idParam = z.object({
  id: z.coerce
    .number({ error: '渠道编号应为正整数' })
    .int('渠道编号应为正整数')
    .min(1, '渠道编号应为正整数')
    .max(2_147_483_647, '渠道编号过大'),
});

interface ChannelRow {
  id: number;
  channel: CaseChannel;
  name: string;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  requests: string | number;
  last_request_at: Date | null;
}

const LIST_SQL = `SELECT ch.id, ch.channel, ch.name, ch.created_by, ch.created_at, ch.revoked_at, ch.revoked_by,
    COALESCE(u.requests, 0) AS requests, u.last_request_at
  FROM case_channel ch
  LEFT JOIN (SELECT channel_id, count(*) AS requests, max(reported_at) AS last_request_at
               FROM city_case WHERE channel_id IS NOT NULL GROUP BY channel_id) u ON u.channel_id = ch.id`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const summary = (row: ChannelRow): Open311ChannelSummary => ({
  id: Number(row.id),
  channel: row.channel,
  name: row.name,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at).toISOString(),
  revokedAt: iso(row.revoked_at),
  revokedBy: row.revoked_by,
  requests: Number(row.requests),
  lastRequestAt: iso(row.last_request_at),
});

async function channelById(q: Queryable, id: number): Promise<Open311ChannelSummary | null> {
  const [row] = await q.query<ChannelRow>(`${LIST_SQL} WHERE ch.id = $1`, [id]);
  return row ? summary(row) : null;
}

/** Mounted under /api: the paths are OPEN311_ADMIN_PATHS without that prefix. */
function open311AdminRoutes({ db }: ReadyState, deps: AppDeps): Router {
  const identity = identityOf(deps);
  const r = Router();
  const by = (req: Request) => ({ ...origin(req), actor: actorOf(principalOf(req)) });
  const local = (path: string) => path.slice('/api'.length);

  r.get(local(OPEN311_ADMIN_PATHS.channels), async (req, res) => {
    const channels = await db.transaction(async (tx) => {
      const rows = await tx.query<ChannelRow>(`${LIST_SQL} ORDER BY ch.revoked_at IS NOT NULL, ch.id`);
      await identity.audit.appendIn(tx, {
        ...by(req),
        action: 'open311.channel_read',
        outcome: 'ok',
        object: 'case_channel',
        detail: { count: rows.length },
      });
      return rows.map(summary);
    });
    res.json({ channels });
  });

  r.post(local(OPEN311_ADMIN_PATHS.revoke), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { reason } = parseInput(channelRevokeInput, req.body ?? {});
    const p = principalOf(req);
    const channel = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number; revoked_at: Date | null }>(
        'SELECT id, revoked_at FROM case_channel WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!row) throw new AppError('not_found', `Open311 渠道 ${id} 不存在`);
      if (row.revoked_at)
        throw new AppError('conflict', `Open311 渠道 ${id} 的密钥已于 ${new Date(row.revoked_at).toISOString()} 撤销`);
      await tx.query('UPDATE case_channel SET revoked_at = now(), revoked_by = $2 WHERE id = $1', [id, p.username]);
      const revoked = (await channelById(tx, id))!;
      await identity.audit.appendIn(tx, {
        ...by(req),
        action: 'open311.channel_revoke',
        outcome: 'ok',
        object: `case_channel:${id}`,
        detail: { channel: revoked.channel, name: revoked.name, reason },
      });
      return revoked;
    });
    res.json({ channel });
  });

  return r;
}

/** The channel administration under /api/open311 (the GeoReport endpoint itself is open311Capability). */
export const open311AdminCapability: Capability = {
  name: 'open311-admin',
  ready: { paths: ['/open311'], routes: open311AdminRoutes },
};
