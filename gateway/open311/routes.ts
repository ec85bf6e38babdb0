import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  OPEN311_BASE,
  OPEN311_FORMATS,
  OPEN311_JURISDICTION,
  OPEN311_PATHS,
  CASE_FINAL_STATES,
  CASE_KINDS,
  CASE_STATE_LABELS,
  open311PlainQuery,
  open311PostInput,
  open311RequestsQuery,
  type CaseState,
  type Open311Discovery,
  type Open311Format,
  type Open311PostInput,
  type Open311PostResponse,
  type Open311Request,
  type Open311Service,
} from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { auditMachineLoginFailure } from '../audit/machine-login';
import { identityOf } from '../auth/identity';
import { origin } from '../auth/request';
import { channelByKey } from '../cases/channels';
import { reportCase } from '../cases/reporting';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { geocodeAddress } from '../incidents/locate';
import { rawAnswers, ServiceDefinitions } from './attributes';
import { sendGeoReport, sendGeoReportError } from './format';

/**
 * Open311 GeoReport v2 over the city-management cases, mounted at /open311/v2 outside /api, in JSON and XML (the
 * path's extension chooses): discovery, services and their definitions, and requests are readable without login; a
 * new request needs the `api_key` issued to a channel (the 12319 hotline, a public app, a partner system). Every
 * error is GeoReport's list of `{ code, description }`, in the requested format.
 */

interface RequestRow {
  id: string;
  code: string;
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
  grid_code: string | null;
  media_url: string | null;
  lon: number;
  lat: number;
  /** The point of the case's unit-grid cell (about 100 m across), or its own point rounded to 0.001°. */
  rough_lon: number;
  rough_lat: number;
}

const MAX_RESULTS = 1000;
const DEFAULT_DAYS = 90;
/** When this endpoint's interface last changed (GeoReport discovery's `changeset`). */
const CHANGESET = '2026-12-07T00:00:00Z';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

const o311 =
  (fn: (req: Request, res: Response) => unknown): RequestHandler =>
  async (req, res) => {
    try {
      await fn(req, res);
    } catch (err) {
      sendGeoReportError(req, res, err);
    }
  };

const formBody = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 40 });

/** GeoReport's `jurisdiction_id`, read the same on every path: absent, or the one this endpoint serves. */
function checkJurisdiction(id: string | undefined): void {
  if (id === undefined || id === OPEN311_JURISDICTION) return;
  throw new AppError(
    'bad_request',
    `本接口不受理 jurisdiction_id "${id.slice(0, 64)}"：只受理 "${OPEN311_JURISDICTION}"，也可不填`,
  );
}

/** `<id>.<format>` of a path segment, or a 404 naming the formats served. */
function splitFile(file: string, what: string): { name: string; format: Open311Format } {
  const dot = file.lastIndexOf('.');
  const format = OPEN311_FORMATS.find((f) => f === file.slice(dot + 1));
  if (dot <= 0 || !format)
    throw new AppError('not_found', `没有这个 Open311 ${what}：${file.slice(0, 80)}（请以 .json 或 .xml 结尾请求）`);
  return { name: file.slice(0, dot), format };
}

const SELECT = `SELECT c.id, c.code, c.state, c.category_code, c.description, d.name AS department_name, c.reported_at,
      c.updated_at, c.sla_deadline, c.address, c.channel_id, c.district_name, c.street_name, c.grid_code, o.media_url,
      ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, ST_X(rough.geom) AS rough_lon, ST_Y(rough.geom) AS rough_lat
    FROM city_case c LEFT JOIN department d ON d.id = c.department_id
    LEFT JOIN open311_request o ON o.case_id = c.id
    CROSS JOIN LATERAL (SELECT COALESCE((SELECT ST_PointOnSurface(g.geom) FROM grid_cell g WHERE g.code = c.grid_code),
                                        ST_SnapToGrid(c.geom, 0.001)) AS geom) rough`;

/** Mounted at the root like the OGC API: every path is under /open311/v2 (OPEN311_BASE). */
function open311Routes({ db, cases, geo }: ReadyState, deps: AppDeps): Router {
  const r = Router();
  const categories = cases.tables.categories;
  const definitions = ServiceDefinitions.load((code) => categories.minor(code) !== null);
  const serviceName = (code: string) => categories.minor(code)?.name ?? code;
  const identity = identityOf(deps);

  for (const format of OPEN311_FORMATS) {
    r.get(
      OPEN311_PATHS.discovery(format),
      o311((req, res) => {
        checkJurisdiction(parseInput(open311PlainQuery, req.query).jurisdiction_id);
        const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${OPEN311_BASE}`;
        const discovery: Open311Discovery = {
          changeset: CHANGESET,
          contact: '哈尔滨市数字化城市管理监督指挥中心（12319 城管热线）',
          key_service: '渠道接入密钥（api_key）由平台系统管理员签发，请向市数字化城市管理监督指挥中心申请',
          endpoints: [
            {
              specification: SPECIFICATION,
              url,
              changeset: CHANGESET,
              type: 'production',
              formats: ['text/xml', 'application/json'],
            },
          ],
        };
        sendGeoReport(req, res, 'discovery', discovery);
      }),
    );

    r.get(
      OPEN311_PATHS.services(format),
      o311((req, res) => {
        checkJurisdiction(parseInput(open311PlainQuery, req.query).jurisdiction_id);
        const services: Open311Service[] = CASE_KINDS.flatMap((kind) =>
          categories.tree[kind].flatMap((major) =>
            major.minors.map((m) => ({
              service_code: m.code,
              service_name: m.name,
              description: `立案标准：${m.filingStandard}`,
              metadata: definitions.has(m.code),
              type: 'realtime' as const,
              keywords: [m.kind === 'component' ? '部件' : '事件', major.name].join(','),
              group: `${m.kind === 'component' ? '部件' : '事件'}·${major.name}`,
            })),
          ),
        );
        sendGeoReport(req, res, 'services', services);
      }),
    );
  }

  r.get(
    OPEN311_PATHS.service,
    o311((req, res) => {
      const { name } = splitFile(String(req.params.file ?? ''), '服务定义');
      checkJurisdiction(parseInput(open311PlainQuery, req.query).jurisdiction_id);
      if (!categories.minor(name))
        throw new AppError('not_found', `没有服务 ${name.slice(0, 40)}：可用的服务见 /open311/v2/services.json`);
      sendGeoReport(req, res, 'service_definition', definitions.definition(name));
    }),
  );

  /**
   * A case as a service request. The public sees what a public case page shows, as FixMyStreet publishes it:
   * category, status, dates, the agency, the case number, and the place only as its unit-grid cell and street,
   * never the description (a citizen's words name people and homes), the reported address, the exact point, the
   * reporter or media. The channel that submitted the request gets its description, address, point and media back.
   */
  const toRequest = (row: RequestRow, readerChannel: number | null): Open311Request => {
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
      service_notice: `案件编号 ${row.code}`,
      requested_datetime: new Date(row.reported_at).toISOString(),
      updated_datetime: new Date(row.updated_at).toISOString(),
      expected_datetime: row.sla_deadline ? new Date(row.sla_deadline).toISOString() : null,
      address: full ? (row.address ?? roughPlace) : roughPlace,
      address_id: row.grid_code,
      zipcode: null,
      lat: Number(full ? row.lat : row.rough_lat),
      long: Number(full ? row.lon : row.rough_lon),
      media_url: full ? row.media_url : null,
    };
  };

  /** The channel a key names; an unknown or revoked key is audited as a failed machine login and refused. */
  const channelOf = async (key: string, req: Request) => {
    const channel = await channelByKey(db, key);
    if (channel) return channel;
    await auditMachineLoginFailure(identity, {
      channel: 'open311',
      principal: 'api_key',
      reason: 'unknown or revoked api_key',
      ...origin(req),
    });
    throw new AppError('forbidden', 'api_key 无效（未知或已撤销）：请向市里核实渠道密钥');
  };

  /**
   * The channel a read is made for: the one whose key comes in `X-Api-Key` (or GeoReport's `api_key` parameter);
   * null for the public. A key that is sent but not valid is refused rather than read as anonymous.
   */
  const readerChannel = async (req: Request): Promise<number | null> => {
    const query = typeof req.query.api_key === 'string' ? req.query.api_key : undefined;
    const key = req.get('X-Api-Key') ?? query;
    if (key === undefined) return null;
    if (!key || key.length > 200) throw new AppError('bad_request', 'api_key 应为市里发放的渠道密钥');
    return (await channelOf(key, req)).id;
  };

  for (const format of OPEN311_FORMATS) {
    r.get(
      OPEN311_PATHS.requests(format),
      o311(async (req, res) => {
        const q = parseInput(open311RequestsQuery, req.query);
        checkJurisdiction(q.jurisdiction_id);
        const reader = await readerChannel(req);
        if (q.service_request_id) {
          const ids = q.service_request_id.split(',').map((s) => s.trim());
          if (ids.some((i) => !/^\d{1,18}$/.test(i)) || ids.length > 100) {
            throw new AppError('bad_request', '参数 service_request_id 有误：应为以逗号分隔的数字编号，最多 100 个');
          }
          const rows = await db.query<RequestRow>(`${SELECT} WHERE c.id = ANY($1::bigint[]) ORDER BY c.id`, [ids]);
          sendGeoReport(
            req,
            res,
            'service_requests',
            rows.map((row) => toRequest(row, reader)),
          );
          return;
        }
        const end = q.end_date ? new Date(q.end_date) : new Date();
        const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
        if (start > end) throw new AppError('bad_request', '参数 start_date 不能晚于 end_date：请调整时间范围');
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
        sendGeoReport(
          req,
          res,
          'service_requests',
          rows.map((row) => toRequest(row, reader)),
        );
      }),
    );
  }

  r.get(
    OPEN311_PATHS.request,
    o311(async (req, res) => {
      const { name: id } = splitFile(String(req.params.file ?? ''), '资源');
      if (!/^\d{1,18}$/.test(id)) throw new AppError('bad_request', 'service_request_id 应为数字编号');
      checkJurisdiction(
        parseInput(open311RequestsQuery.pick({ api_key: true, jurisdiction_id: true }), req.query).jurisdiction_id,
      );
      const reader = await readerChannel(req);
      const rows = await db.query<RequestRow>(`${SELECT} WHERE c.id = $1`, [id]);
      if (!rows[0]) throw new AppError('not_found', `没有编号为 ${id} 的服务请求：请核对编号`);
      sendGeoReport(req, res, 'service_requests', [toRequest(rows[0], reader)]);
    }),
  );

  /** Where a request lies: its lat/long, else its unit-grid cell (address_id), else its address geocoded. */
  const placeOf = async (
    input: Open311PostInput,
    q: Queryable,
  ): Promise<{ lon: number; lat: number; locatedBy: 'point' | 'address_string' | 'address_id' }> => {
    if (input.lat !== undefined && input.long !== undefined) return { lon: input.long, lat: input.lat, locatedBy: 'point' };
    if (input.address_id) {
      const [cell] = await q.query<{ lon: number; lat: number }>(
        'SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cell WHERE code = $1) c',
        [input.address_id],
      );
      if (!cell)
        throw new AppError(
          'bad_request',
          `address_id ${input.address_id} 不是哈尔滨的单元网格编码：请核对编码，或改用 lat 和 long`,
        );
      return { lon: Number(cell.lon), lat: Number(cell.lat), locatedBy: 'address_id' };
    }
    const address = input.address_string ?? '';
    const hit = await geocodeAddress(address, geo.geocoder, q);
    if (!hit) {
      throw new AppError(
        'bad_request',
        `address_string "${address.slice(0, 80)}" 与哈尔滨的任何地点、道路或地标都对不上：请改为提供 lat 和 long，或 address_id`,
      );
    }
    return { ...hit, locatedBy: 'address_string' };
  };

  for (const format of OPEN311_FORMATS) {
    const path = OPEN311_PATHS.requests(format);
    r.post(path, (req, res, next) => formBody(req, res, (err?: unknown) => (err ? sendGeoReportError(req, res, err) : next())));
    r.post(
      path,
      o311(async (req, res) => {
        const body: Record<string, unknown> =
          req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {};
        checkJurisdiction(typeof body.jurisdiction_id === 'string' ? body.jurisdiction_id : undefined);
        const apiKey = body.api_key;
        if (typeof apiKey !== 'string' || !apiKey) throw new AppError('bad_request', '缺少 api_key：请向市里申请渠道密钥');
        const channel = await channelOf(apiKey, req);
        const input = parseInput(open311PostInput, body);
        checkJurisdiction(input.jurisdiction_id);
        if (!categories.minor(input.service_code)) {
          throw new AppError(
            'bad_request',
            `未知的服务类别（service_code）：${input.service_code}；可用的类别见 /open311/v2/services.json`,
          );
        }
        const answers = definitions.answers(input.service_code, rawAnswers(body));
        const place = await placeOf(input, db);
        const actor = { id: `channel:${channel.id}`, name: channel.name, role: 'channel', departmentId: null };
        const contact = [input.first_name, input.last_name].filter(Boolean).join(' ') || undefined;
        const phoneOrMail = [input.phone, input.email].filter(Boolean).join(' ');
        const result = await reportCase(
          cases,
          {
            idempotencyKey: input.idempotency_key ?? `o311-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`,
            categoryCode: input.service_code,
            description: answers.summary ? `${input.description}\n${answers.summary}` : input.description,
            lon: place.lon,
            lat: place.lat,
            coordSystem: 'wgs84',
            address: input.address_string || undefined,
            photoIds: [],
            channel: channel.channel,
            urgent: false,
            contact: [contact, phoneOrMail].filter(Boolean).join(' ') || undefined,
          },
          actor,
          {
            scopeKey: actor.id,
            channelId: channel.id,
            audit: async (tx, caseId) => {
              await tx.query(
                `INSERT INTO open311_request (case_id, channel_id, media_url, address_id, located_by, attributes)
                 VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
                [
                  caseId,
                  channel.id,
                  input.media_url ?? null,
                  input.address_id ?? null,
                  place.locatedBy,
                  JSON.stringify(answers.values),
                ],
              );
              await identity.audit.appendIn(tx, {
                ...origin(req),
                action: 'open311.submit',
                outcome: 'ok',
                actor: { userId: null, username: actor.id, role: 'channel' },
                object: `city_case:${caseId}`,
                detail: {
                  channel: channel.channel,
                  name: channel.name,
                  service_code: input.service_code,
                  located_by: place.locatedBy,
                },
              });
            },
          },
        );
        const answer: Open311PostResponse = {
          service_request_id: String(result.case.id),
          service_notice: `案件编号 ${result.case.code}`,
          account_id: null,
        };
        sendGeoReport(req, res, 'service_requests', [answer], result.created ? 201 : 200);
      }),
    );
  }

  return r;
}

/** Open311 answers from the case services; while the platform starts, with a 503 in the GeoReport error format. */
export const open311Capability: Capability = {
  name: 'open311',
  ready: { paths: [OPEN311_BASE], routes: open311Routes },
  errors: (err: unknown, req, res, _next) => sendGeoReportError(req, res, err),
};
