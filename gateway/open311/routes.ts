import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  OPEN311_BASE,
  OPEN311_PATHS,
  CASE_FINAL_STATES,
  CASE_KINDS,
  CASE_STATE_LABELS,
  open311PostInput,
  open311RequestsQuery,
  type CaseState,
  type Open311Request,
  type Open311Service,
} from '../../contracts/cases';
import { auditMachineLoginFailure } from '../audit/machine-login';
import { identityOf } from '../auth/identity';
import { origin } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput, STATUS } from '../http/errors';
import { channelByKey } from '../cases/channels';
import { reportCase } from '../cases/reporting';

/**
 * Open311 GeoReport v2 (JSON) over the city-management cases, mounted at /open311/v2 outside /api: services and
 * requests are readable without login; a new request needs the `api_key` issued to a channel (the 12319 hotline,
 * a public app, a partner system). Errors follow the specification: an array of `{ code, description }`.
 */

interface RequestRow {
  id: string;
  state: CaseState;
  category_code: string;
  description: string;
  department_name: string | null;
  reported_at: Date;
  updated_at: Date;
  sla_deadline: Date | null;
  address: string | null;
  channel_id: number | null;
  district_name: string | null;
  street_name: string | null;
  lon: number;
  lat: number;
  /** The point of the case's unit-grid cell (about 100 m across), or its own point rounded to 0.001°. */
  rough_lon: number;
  rough_lat: number;
}

const MAX_RESULTS = 1000;
const DEFAULT_DAYS = 90;

/** Answers an error as GeoReport v2 does: the status, and a body of `[{ code, description }]`. */
function sendError(res: Response, err: unknown, req: Request): void {
  if (err instanceof AppError) {
    const status = STATUS[err.code];
    res.status(status).json([{ code: status, description: err.message }]);
    return;
  }
  const status = typeof err === 'object' && err !== null && 'status' in err ? Number((err as { status: unknown }).status) : 500;
  if (status >= 400 && status < 500) {
    res.status(status).json([{ code: status, description: 'the request body could not be read' }]);
    return;
  }
  req.log?.error({ err }, 'open311 request failed');
  res.status(500).json([{ code: 500, description: 'internal error; the request id identifies it in the server log' }]);
}

const o311 =
  (fn: (req: Request, res: Response) => unknown): RequestHandler =>
  async (req, res) => {
    try {
      await fn(req, res);
    } catch (err) {
      sendError(res, err, req);
    }
  };

const formBody = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 40 });

/** Mounted at the root like the OGC API: every path is under /open311/v2 (OPEN311_BASE). */
function open311Routes({ db, cases }: ReadyState, deps: AppDeps): Router {
  const r = Router();

  r.get(
    OPEN311_PATHS.services,
    o311((req, res) => {
      const tree = cases.tables.categories.tree;
      const services: Open311Service[] = CASE_KINDS.flatMap((kind) =>
        tree[kind].flatMap((major) =>
          major.minors.map((m) => ({
            service_code: m.code,
            service_name: m.name,
            description: `立案标准：${m.filingStandard}`,
            metadata: false,
            type: 'realtime' as const,
            keywords: [m.kind === 'component' ? '部件' : '事件', major.name].join(','),
            group: `${m.kind === 'component' ? '部件' : '事件'}·${major.name}`,
          })),
        ),
      );
      res.json(services);
    }),
  );

  /**
   * A case as a service request. The public sees what a public case page shows, as FixMyStreet publishes it:
   * category, status, dates, the agency, and the place only as its unit-grid cell and street, never the description
   * (a citizen's words name people and homes), the reported address, the exact point, the reporter or photos. The
   * channel that submitted the request gets its description, address and point back.
   */
  const toRequest = (row: RequestRow, serviceName: (code: string) => string, readerChannel: number | null): Open311Request => {
    const closed = CASE_FINAL_STATES.includes(row.state);
    const full = readerChannel !== null && row.channel_id !== null && Number(row.channel_id) === readerChannel;
    const roughPlace = [row.district_name, row.street_name].filter(Boolean).join('') || null;
    return {
      service_request_id: String(row.id),
      status: closed ? 'closed' : 'open',
      status_notes: CASE_STATE_LABELS[row.state],
      service_name: serviceName(row.category_code),
      service_code: row.category_code,
      description: full ? row.description : null,
      agency_responsible: row.department_name,
      service_notice: null,
      requested_datetime: new Date(row.reported_at).toISOString(),
      updated_datetime: new Date(row.updated_at).toISOString(),
      expected_datetime: row.sla_deadline ? new Date(row.sla_deadline).toISOString() : null,
      address: full ? row.address : roughPlace,
      address_id: null,
      zipcode: null,
      lat: Number(full ? row.lat : row.rough_lat),
      long: Number(full ? row.lon : row.rough_lon),
      media_url: null,
    };
  };

  const SELECT = `SELECT c.id, c.state, c.category_code, c.description, d.name AS department_name, c.reported_at, c.updated_at,
      c.sla_deadline, c.address, c.channel_id, c.district_name, c.street_name, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
      ST_X(rough.geom) AS rough_lon, ST_Y(rough.geom) AS rough_lat
    FROM city_case c LEFT JOIN department d ON d.id = c.department_id
    CROSS JOIN LATERAL (SELECT COALESCE((SELECT ST_PointOnSurface(g.geom) FROM grid_cell g WHERE g.code = c.grid_code),
                                        ST_SnapToGrid(c.geom, 0.001)) AS geom) rough`;

  /** The channel a key names; an unknown or revoked key is audited as a failed machine login and refused. */
  const channelOf = async (key: string, req: Request) => {
    const channel = await channelByKey(db, key);
    if (channel) return channel;
    await auditMachineLoginFailure(identityOf(deps), {
      channel: 'open311',
      principal: 'api_key',
      reason: 'unknown or revoked api_key',
      ...origin(req),
    });
    throw new AppError('forbidden', 'api_key is not valid (unknown or revoked)');
  };

  /**
   * The channel a read is made for: the one whose key comes in `X-Api-Key` (or GeoReport's `api_key` parameter);
   * null for the public. A key that is sent but not valid is refused rather than read as anonymous.
   */
  const readerChannel = async (req: Request): Promise<number | null> => {
    const query = typeof req.query.api_key === 'string' ? req.query.api_key : undefined;
    const key = req.get('X-Api-Key') ?? query;
    if (key === undefined) return null;
    if (!key || key.length > 200) throw new AppError('bad_request', 'api_key must be a channel key issued by the city');
    return (await channelOf(key, req)).id;
  };

  r.get(
    OPEN311_PATHS.requests,
    o311(async (req, res) => {
      const q = parseInput(open311RequestsQuery, req.query);
      const reader = await readerChannel(req);
      const name = (code: string) => cases.tables.categories.minor(code)?.name ?? code;
      if (q.service_request_id) {
        const ids = q.service_request_id.split(',').map((s) => s.trim());
        if (ids.some((i) => !/^\d{1,18}$/.test(i)) || ids.length > 100) {
          throw new AppError('bad_request', 'service_request_id is a comma-separated list of at most 100 numeric ids');
        }
        const rows = await db.query<RequestRow>(`${SELECT} WHERE c.id = ANY($1::bigint[]) ORDER BY c.id`, [ids]);
        res.json(rows.map((row) => toRequest(row, name, reader)));
        return;
      }
      const end = q.end_date ? new Date(q.end_date) : new Date();
      const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
      if (start > end) throw new AppError('bad_request', 'start_date must not be after end_date');
      const codes = q.service_code
        ? q.service_code
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
      const rows = await db.query<RequestRow>(
        `${SELECT}
        WHERE c.reported_at >= $1 AND c.reported_at <= $2
          AND (cardinality($3::text[]) = 0 OR c.category_code = ANY($3::text[]))
          AND ($4::text IS NULL OR ($4 = 'closed') = (c.state IN (${CASE_FINAL_STATES.map((s) => `'${s}'`).join(', ')})))
        ORDER BY c.reported_at DESC, c.id DESC LIMIT ${MAX_RESULTS}`,
        [start, end, codes, q.status ?? null],
      );
      res.json(rows.map((row) => toRequest(row, name, reader)));
    }),
  );

  // `/requests/{id}.json`: one path segment, whose `.json` suffix names the format (the only one served).
  r.get(
    `${OPEN311_BASE}/requests/:file`,
    o311(async (req, res) => {
      const file = String(req.params.file ?? '');
      if (!file.endsWith('.json')) throw new AppError('not_found', `no such Open311 resource: ${file} (only .json is served)`);
      const id = file.slice(0, -'.json'.length);
      if (!/^\d{1,18}$/.test(id)) throw new AppError('bad_request', 'a service_request_id is numeric');
      const reader = await readerChannel(req);
      const rows = await db.query<RequestRow>(`${SELECT} WHERE c.id = $1`, [id]);
      if (!rows[0]) throw new AppError('not_found', `no such service request: ${id}`);
      res.json([toRequest(rows[0], (code) => cases.tables.categories.minor(code)?.name ?? code, reader)]);
    }),
  );

  r.post(OPEN311_PATHS.requests, (req, res, next) =>
    formBody(req, res, (err?: unknown) => (err ? sendError(res, err, req) : next())),
  );
  r.post(
    OPEN311_PATHS.requests,
    o311(async (req, res) => {
      const body: unknown = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body : {};
      const apiKey = (body as { api_key?: unknown }).api_key;
      if (typeof apiKey !== 'string' || !apiKey)
        throw new AppError('bad_request', 'api_key is required: ask the city for a channel key');
      const channel = await channelOf(apiKey, req);
      const input = parseInput(open311PostInput, body);
      if (input.jurisdiction_id && input.jurisdiction_id !== 'harbin') {
        throw new AppError('not_found', `jurisdiction_id "${input.jurisdiction_id}" is not served here (use "harbin")`);
      }
      const actor = { id: `channel:${channel.id}`, name: channel.name, role: 'channel', departmentId: null };
      const contact = [input.first_name, input.last_name].filter(Boolean).join(' ') || undefined;
      const phoneOrMail = [input.phone, input.email].filter(Boolean).join(' ');
      const identity = identityOf(deps);
      const result = await reportCase(
        cases,
        {
          idempotencyKey: input.idempotency_key ?? `o311-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`,
          categoryCode: input.service_code,
          description: input.description,
          lon: input.long,
          lat: input.lat,
          coordSystem: 'wgs84',
          address: input.address_string,
          photoIds: [],
          channel: channel.channel,
          urgent: false,
          contact: [contact, phoneOrMail].filter(Boolean).join(' ') || undefined,
        },
        actor,
        {
          scopeKey: actor.id,
          channelId: channel.id,
          audit: (tx, caseId) =>
            identity.audit
              .appendIn(tx, {
                ...origin(req),
                action: 'open311.submit',
                outcome: 'ok',
                actor: { userId: null, username: actor.id, role: 'channel' },
                object: `city_case:${caseId}`,
                detail: { channel: channel.channel, name: channel.name, service_code: input.service_code },
              })
              .then(() => undefined),
        },
      );
      res
        .status(result.created ? 201 : 200)
        .json([{ service_request_id: String(result.case.id), service_notice: `案件编号 ${result.case.code}`, account_id: null }]);
    }),
  );

  return r;
}

/** Open311 answers from the case services; while the platform starts, with a 503 in the GeoReport error format. */
export const open311Capability: Capability = {
  name: 'open311',
  ready: { paths: [OPEN311_BASE], routes: open311Routes },
  errors: (err: unknown, req, res, _next) => sendError(res, err, req),
};
