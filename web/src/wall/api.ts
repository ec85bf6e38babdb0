import { z } from 'zod';
import type {
  CommandKpis,
  DeadLetter,
  GaugeReading,
  Incident,
  IncidentAction,
  IncidentListResponse,
  ModeProfile,
  ModeState,
  RecommendationResponse,
  SystemMode,
  Unit,
  UnitListResponse,
} from '../../../contracts/incidents';
import { call } from '../api/http';

/**
 * The emergency-command API used by the wall. Responses are checked at the level the wall relies on (the
 * envelope, ids and sequences); the entities themselves are the contract's types, written by the same gateway.
 */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const incidentSchema = z.custom<Incident>(
  (v) => record(v) && typeof v.id === 'number' && typeof v.status === 'string' && Array.isArray(v.records),
  'an incident',
);
const unitSchema = z.custom<Unit>((v) => record(v) && typeof v.id === 'string' && typeof v.type === 'string', 'a unit');
const gaugeSchema = z.custom<GaugeReading>((v) => record(v) && typeof v.stationId === 'string', 'a gauge reading');
const modeStateSchema = z.custom<ModeState>(
  (v) => record(v) && typeof v.mode === 'string' && typeof v.seq === 'number' && typeof v.drill === 'boolean',
  'a mode state',
);
const modeProfileSchema = z.custom<ModeProfile>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.alertPriority === 'number' && record(v.alertSound),
  'a mode profile',
);

const incidentListSchema: z.ZodType<IncidentListResponse> = z.object({ incidents: z.array(incidentSchema), seq: z.number() });
const unitListSchema: z.ZodType<UnitListResponse> = z.object({ units: z.array(unitSchema), seq: z.number() });
const recommendationSchema = z.custom<RecommendationResponse>(
  (v) => record(v) && Array.isArray(v.byType) && Array.isArray(v.needs),
  'recommendations',
);
const kpisSchema = z.custom<CommandKpis>((v) => record(v) && record(v.openByAgency), 'command KPIs');
const modeSchema = z.object({ state: modeStateSchema, profiles: z.array(modeProfileSchema) });
/** `POST /api/mode` answers with the new state, bare or as `{state}`. */
const modeChangeSchema = z.union([modeStateSchema, z.object({ state: modeStateSchema }).transform((r) => r.state)]);
const splitSchema = z.object({ from: incidentSchema, to: incidentSchema });
const deadLetterSchema = z.custom<DeadLetter>(
  (v) =>
    record(v) &&
    typeof v.id === 'number' &&
    typeof v.source === 'string' &&
    typeof v.code === 'string' &&
    typeof v.receivedAt === 'string' &&
    typeof v.payload === 'string',
  'a dead letter',
);
const deadLetterListSchema = z.object({ deadLetters: z.array(deadLetterSchema) });

const incidentPath = (id: number, rest = '') => `/api/incidents/${encodeURIComponent(String(id))}${rest}`;

export type ListStatus = 'open' | 'resolved';

export const wallApi = {
  incidents: (status: ListStatus = 'open') => call('GET', `/api/incidents?status=${status}`, incidentListSchema),
  incident: (id: number) => call('GET', incidentPath(id), incidentSchema),
  units: () => call('GET', '/api/units', unitListSchema),
  gauges: () => call('GET', '/api/gauges', z.object({ gauges: z.array(gaugeSchema) })).then((r) => r.gauges),
  kpis: () => call('GET', '/api/command/kpis', kpisSchema),
  mode: () => call('GET', '/api/mode', modeSchema),
  changeMode: (mode: SystemMode, drill: boolean, reason: string) =>
    call('POST', '/api/mode', modeChangeSchema, { mode, drill, reason }),
  recommendations: (id: number) => call('GET', incidentPath(id, '/recommendations'), recommendationSchema),
  transition: (id: number, action: Exclude<IncidentAction, 'dispatch'>, note?: string) =>
    call('POST', incidentPath(id, '/transition'), incidentSchema, note ? { action, note } : { action }),
  dispatch: (id: number, unitIds: string[], note?: string) =>
    call('POST', incidentPath(id, '/dispatch'), incidentSchema, note ? { unitIds, note } : { unitIds }),
  split: (id: number, recordId: number) => call('POST', incidentPath(id, '/split'), splitSchema, { recordId }),
  merge: (id: number, otherId: number) => call('POST', incidentPath(id, '/merge'), incidentSchema, { incidentId: otherId }),
  /** Rejected feed deliveries, newest first (`feed.dead_letters`); `source` narrows to one sender. */
  deadLetters: (limit: number, source?: string) => {
    const query = new URLSearchParams({ limit: String(limit), ...(source ? { source } : {}) });
    return call('GET', `/api/feeds/dead-letters?${query}`, deadLetterListSchema).then((r) => r.deadLetters);
  },
};
