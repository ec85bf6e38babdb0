import { z } from 'zod';
import type { Siren, SirenCommandSummary } from './airdefense';
import type { CaseSummary } from './cases';
import type { DutyHandover, DutyShift } from './duty';
import type { NamedCode } from './geo';
import type { EmergencyResponse, ResponseSuggestion, ResponseTask } from './responses';
import { INCIDENT_CATEGORIES, UNIT_TYPES, type IncidentCategory, type UnitType } from './incident-codes';
import type { Shelter } from './shelters';
import type { PublicWarning } from './warnings';

export { INCIDENT_CATEGORIES, UNIT_TYPES, type IncidentCategory, type UnitType };

/**
 * Emergency command: agency feeds, fused incidents, their lifecycle, units and the system mode. Browser-safe:
 * the wall and the gateway share these schemas, tables and wire types.
 */

/** The six agency feeds, as they appear in `POST /api/feeds/{source}`. */
export const FEED_SOURCES = ['110', '119', '120', 'flood', 'airdefense', 'traffic'] as const;
export type FeedSource = (typeof FEED_SOURCES)[number];

export const FEED_SOURCE_LABELS: Record<FeedSource, string> = {
  '110': '110 公安',
  '119': '119 消防',
  '120': '120 急救',
  flood: '防汛',
  airdefense: '人防',
  traffic: '交警',
};

export const INCIDENT_CATEGORY_LABELS: Record<IncidentCategory, string> = {
  crime: '刑事治安',
  public_order: '群体/秩序',
  fire: '火灾',
  explosion: '爆炸',
  hazmat: '危化品泄漏',
  medical: '急病',
  injury: '伤员救治',
  traffic_crash: '交通事故',
  congestion: '交通拥堵',
  road_closure: '道路封闭',
  flood: '汛情',
  waterlogging: '城市内涝',
  gauge_alarm: '水位/雨量超警',
  air_raid: '防空警报',
  siren_fault: '警报器故障',
  shelter: '人防工程',
  other: '其他',
};

/** Coordinate system an agency reported in; `address` means no coordinates, only an address to geocode. */
export const COORD_SYSTEMS = ['wgs84', 'gcj02', 'address'] as const;
export type CoordSystem = (typeof COORD_SYSTEMS)[number];

const isoUtc = z.string().datetime({ offset: false, message: '须为以 Z 结尾的 UTC ISO-8601 时间' });

/**
 * What every adapter turns its agency's native record into, before location: common 0–10 priority (10 highest,
 * after NENA EIDO), common category, WGS-84 point or an address, UTC time.
 */
export const normalisedReportSchema = z.object({
  source: z.enum(FEED_SOURCES),
  /** The record's id in the agency's own system; unique together with `source`. */
  sourceId: z.string().min(1).max(128),
  category: z.enum(INCIDENT_CATEGORIES),
  priority: z.number().int().min(0).max(10),
  /** The agency's own priority, as it sent it (e.g. "一级", "P2", "3"). */
  nativePriority: z.string().max(40),
  /** One line for the queue, in Chinese. */
  title: z.string().min(1).max(200),
  description: z.string().max(4000).nullable(),
  reportedAt: isoUtc,
  coordSystem: z.enum(COORD_SYSTEMS),
  /** WGS-84 after conversion; null when only an address was sent. */
  point: z.object({ lon: z.number(), lat: z.number() }).nullable(),
  address: z.string().max(400).nullable(),
  /** People hurt or trapped, when the agency says. */
  casualties: z.number().int().min(0).max(100000).nullable(),
});
export type NormalisedReport = z.infer<typeof normalisedReportSchema>;

/** Where a report or incident lies, filled by the pipeline from the point (or the geocoded address). */
export interface IncidentPlace {
  lon: number;
  lat: number;
  district: NamedCode | null;
  street: NamedCode | null;
  gridCode: string | null;
  /** How the point was obtained. */
  via: 'reported' | 'geocoded';
}

/** One agency record as stored: every one stays visible, whatever incident it is linked to. */
export interface SourceRecord extends Omit<NormalisedReport, 'point'> {
  id: number;
  incidentId: number;
  place: IncidentPlace;
  receivedAt: string;
  /** Why this record belongs to its incident. */
  link: FusionLink;
}

export interface FusionLink {
  /** 0–1; 1 for the record that opened the incident and for links made by hand. */
  score: number;
  /** Human-readable, Chinese. */
  reason: string;
  by: 'auto' | 'operator';
  /** The login name of the operator for manual links. */
  actor: string | null;
  at: string;
}

/** Incident lifecycle: the only allowed moves are in `INCIDENT_TRANSITIONS`. */
export const INCIDENT_STATES = [
  'new',
  'acknowledged',
  'dispatched',
  'en_route',
  'on_scene',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
export const OPEN_STATES: readonly IncidentState[] = ['new', 'acknowledged', 'dispatched', 'en_route', 'on_scene'];

export const INCIDENT_STATE_LABELS: Record<IncidentState, string> = {
  new: '新警情',
  acknowledged: '已确认',
  dispatched: '已派遣',
  en_route: '在途',
  on_scene: '到场',
  resolved: '已处置',
  closed: '已结束',
  cancelled: '已撤销',
};

export const INCIDENT_ACTIONS = ['acknowledge', 'dispatch', 'en_route', 'on_scene', 'resolve', 'close', 'cancel'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

export const INCIDENT_ACTION_LABELS: Record<IncidentAction, string> = {
  acknowledge: '确认',
  dispatch: '派遣',
  en_route: '出发',
  on_scene: '到场',
  resolve: '处置完毕',
  close: '结束',
  cancel: '撤销',
};

/** The transition table: from state → action → to state. Absent means refused. */
export const INCIDENT_TRANSITIONS: Record<IncidentState, Partial<Record<IncidentAction, IncidentState>>> = {
  new: { acknowledge: 'acknowledged', dispatch: 'dispatched', cancel: 'cancelled' },
  acknowledged: { dispatch: 'dispatched', cancel: 'cancelled' },
  dispatched: { dispatch: 'dispatched', en_route: 'en_route', on_scene: 'on_scene', cancel: 'cancelled' },
  en_route: { dispatch: 'en_route', on_scene: 'on_scene', cancel: 'cancelled' },
  on_scene: { dispatch: 'on_scene', resolve: 'resolved', cancel: 'cancelled' },
  resolved: { close: 'closed' },
  closed: {},
  cancelled: {},
};

export const nextIncidentState = (from: IncidentState, action: IncidentAction): IncidentState | null =>
  INCIDENT_TRANSITIONS[from][action] ?? null;

export interface IncidentStep {
  state: IncidentState;
  action: IncidentAction | 'open';
  at: string;
  actor: string | null;
  note: string | null;
}

export interface Incident {
  id: number;
  status: IncidentState;
  category: IncidentCategory;
  /** Highest common priority among its records. */
  priority: number;
  title: string;
  place: IncidentPlace;
  /** Agencies that reported it. */
  sources: FeedSource[];
  firstReportedAt: string;
  lastReportedAt: string;
  createdAt: string;
  updatedAt: string;
  records: SourceRecord[];
  steps: IncidentStep[];
  /** Units assigned and not released. */
  unitIds: string[];
  /** Set when a drill (演练) mode was on when it opened. */
  drill: boolean;
  /**
   * The open incident of the same category nearby that the same agency had already reported when this one opened
   * (疑似重复): fusion never merges one agency's reports, an operator may.
   */
  suspectedDuplicateOf: number | null;
}

export const incidentListQuery = z.object({
  status: z.enum(['open', 'all', ...INCIDENT_STATES]).default('open'),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});

export const incidentIdParam = z.object({
  id: z.coerce.number({ error: '警情编号须为正整数' }).int('警情编号须为正整数').positive('警情编号须为正整数'),
});

export const incidentTransitionInput = z
  .object({
    action: z.enum(INCIDENT_ACTIONS.filter((a) => a !== 'dispatch') as [IncidentAction, ...IncidentAction[]], {
      error: `操作须为 ${INCIDENT_ACTIONS.filter((a) => a !== 'dispatch').join('、')} 之一（派遣另有接口）`,
    }),
    note: z.string().max(500).optional(),
  })
  .strict();

export const dispatchInput = z
  .object({
    unitIds: z.array(z.string().min(1).max(64)).min(1, '请至少选择一个单位').max(20, '一次最多派遣 20 个单位'),
    note: z.string().max(500).optional(),
  })
  .strict();

export const splitInput = z.object({ recordId: z.number().int().positive() }).strict();
export const mergeInput = z
  .object({ incidentId: z.number({ error: '须给出要并入的警情编号' }).int('警情编号须为正整数').positive('警情编号须为正整数') })
  .strict();

export const UNIT_TYPE_LABELS: Record<UnitType, string> = {
  police_car: '警车',
  fire_engine: '消防车',
  ambulance: '救护车',
  traffic_police: '交警车',
  rescue: '抢险车',
  inspector: '巡查车',
};

export const UNIT_STATUSES = ['available', 'assigned', 'en_route', 'on_scene', 'out_of_service'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];
export const UNIT_STATUS_LABELS: Record<UnitStatus, string> = {
  available: '待命',
  assigned: '已派',
  en_route: '在途',
  on_scene: '到场',
  out_of_service: '停用',
};

export interface Unit {
  id: string;
  callsign: string;
  type: UnitType;
  agency: FeedSource;
  status: UnitStatus;
  lon: number | null;
  lat: number | null;
  /** Time of the last position fix. */
  positionAt: string | null;
  /** After this the position is shown as stale (CoT `stale`). */
  staleAt: string | null;
  /** Circular error, metres (CoT `ce`). */
  accuracyM: number | null;
  incidentId: number | null;
  home: string;
}

export const unitStatusInput = z
  .object({ status: z.enum(['en_route', 'on_scene', 'available', 'out_of_service']), note: z.string().max(500).optional() })
  .strict();

/** A recommended unit for an incident: nearest available of a needed type by drive time. */
export interface UnitRecommendation {
  unit: Unit;
  etaS: number;
  distanceM: number;
}
export interface RecommendationResponse {
  incidentId: number;
  needs: UnitType[];
  byType: { type: UnitType; units: UnitRecommendation[] }[];
}

/** A rejected feed delivery, kept for operators (dead letters). */
export interface DeadLetter {
  id: number;
  source: string;
  sourceId: string | null;
  reason: string;
  code: string;
  receivedAt: string;
  transport: 'http' | 'mqtt';
  /** The delivered body, truncated. */
  payload: string;
}

/** System mode (平时/应急/战时) with an optional drill sub-mode; what each changes is data (data/modes.json). */
export const SYSTEM_MODES = ['daily', 'emergency', 'wartime'] as const;
export type SystemMode = (typeof SYSTEM_MODES)[number];
export const SYSTEM_MODE_LABELS: Record<SystemMode, string> = { daily: '平时管理', emergency: '应急处置', wartime: '战时指挥' };

export interface ModeState {
  mode: SystemMode;
  drill: boolean;
  reason: string;
  changedBy: string | null;
  changedAt: string;
  /** The change-log sequence of this state. */
  seq: number;
  /** A switch waiting for a second leader's confirmation (to real 战时), if any. */
  pending?: ModeProposal | null;
}

/** A leader's proposal to switch the mode, waiting for another leader (modes.json `switchConfirmation`). */
export interface ModeProposal {
  id: string;
  mode: SystemMode;
  drill: boolean;
  reason: string;
  proposedBy: string;
  proposedByName: string;
  proposedAt: string;
  /** Unconfirmed by then, it lapses. */
  expiresAt: string;
}

export const modeChangeInput = z
  .object({
    mode: z.enum(SYSTEM_MODES, { error: `mode 须为 ${SYSTEM_MODES.join('、')} 之一` }),
    drill: z.boolean().default(false),
    reason: z.string().trim().min(2, '请填写原因（至少 2 个字）').max(300),
  })
  .strict();

/** What a mode changes, loaded from data/modes.json and served to clients. */
export interface ModeProfile {
  id: SystemMode;
  label: string;
  defaultLayers: string[];
  panels: string[];
  /** Added to an incident's common priority for ranking, by category. */
  priorityBoost: Partial<Record<IncidentCategory, number>>;
  /** Incidents at or above this priority flash and sound on the wall. */
  alertPriority: number;
  alertSound: { pattern: string; frequencyHz: number; onMs: number; offMs: number; repeats: number };
  clocks: string;
  dispatchRule: string;
  nonUrgentCases: 'normal' | 'auto_extend' | 'frozen';
  accent: string;
  /** Switching to this mode (not as a drill when `exceptDrill`) needs a second leader within the limit; null: none. */
  switchConfirmation?: { withinMinutes: number; exceptDrill: boolean } | null;
  /** Orders to units / departments / response tasks count as overdue without a receipt after these; null: not shown. */
  receipts?: { unitSeconds: number; departmentSeconds: number; taskSeconds: number } | null;
  /** Invited to a standing conference while the mode lasts; null: none. */
  standingConference?: {
    title: string;
    members: { departments: string[]; roles: string[]; usernames: string[] };
  } | null;
}

/** Gauge reading (flood control, over MQTT). */
export interface GaugeReading {
  stationId: string;
  name: string;
  river: string;
  lon: number;
  lat: number;
  waterLevelM: number | null;
  rainfallMm: number | null;
  warningLevelM: number | null;
  at: string;
  overWarning: boolean;
}

/** One entry of the change log, as broadcast and as replayed on catch-up. */
export type ChangeTopic =
  'incident' | 'unit' | 'mode' | 'gauge' | 'case' | 'siren' | 'warning' | 'response' | 'response_task' | 'duty' | 'shelter';
export interface Change {
  seq: number;
  topic: ChangeTopic;
  at: string;
  /** District adcode of the entity, for area subscriptions (null: city-wide). */
  district: string | null;
  incident?: Incident;
  unit?: Unit;
  mode?: ModeState;
  gauge?: GaugeReading;
  /** A city-management case (数字城管) after a report or workflow event. */
  case?: CaseSummary;
  /** An air-raid siren (防空警报器) whose state changed, or a siren command (警报控制命令) that moved on. */
  siren?: Siren;
  sirenCommand?: SirenCommandSummary;
  /** A public warning (预警) message after publishing, update, cancel or expiry. */
  warning?: PublicWarning;
  /** An emergency response (应急响应) after a declaration or level step, or a trigger's suggestion (启动建议). */
  response?: EmergencyResponse;
  suggestion?: ResponseSuggestion;
  /** A department's response task after issue, a console action, a note or an overdue step. */
  task?: ResponseTask;
  /** A duty shift (值班班次) after it was added, changed or cancelled, or a handover note (交接班记录). */
  dutyShift?: DutyShift;
  dutyHandover?: DutyHandover;
  /** A shelter (人防工程 / 应急避难场所) after registration, an opening change or an occupancy report. */
  shelter?: Shelter;
}

export const CHANGE_LAYERS = [
  'incidents',
  'units',
  'gauges',
  'cases',
  'sirens',
  'warnings',
  'responses',
  'response_tasks',
  'duty',
  'shelters',
] as const;
export type ChangeLayer = (typeof CHANGE_LAYERS)[number];
export const TOPIC_LAYER: Record<ChangeTopic, ChangeLayer | null> = {
  incident: 'incidents',
  unit: 'units',
  gauge: 'gauges',
  case: 'cases',
  siren: 'sirens',
  warning: 'warnings',
  response: 'responses',
  response_task: 'response_tasks',
  duty: 'duty',
  shelter: 'shelters',
  mode: null,
};

/** `changes:subscribe`: layers and areas (district adcodes; empty = whole city), and where the client left off. */
export const changesSubscribeSchema = z
  .object({
    layers: z.array(z.enum(CHANGE_LAYERS)).min(1).max(CHANGE_LAYERS.length),
    areas: z
      .array(z.string().regex(/^\d{6}$/, 'areas 的每一项须为 6 位区县行政区划代码'))
      .max(30)
      .default([]),
    /** Last sequence the client applied; null for a new client (it loads the snapshot first). */
    since: z.number().int().min(0).nullable().default(null),
  })
  .strict();
export type ChangesSubscribe = z.infer<typeof changesSubscribeSchema>;

export interface ChangesCatchUp {
  /** Changes after `since` (plus a short overlap the client dedupes by `seq`), in sequence order. */
  changes: Change[];
  /** The newest committed sequence. */
  head: number;
  /** True when the gap was too long to replay: reload the snapshot. */
  reset: boolean;
}

export interface IncidentListResponse {
  incidents: Incident[];
  /** Change-log head when the list was read: apply changes after it. */
  seq: number;
}
export interface UnitListResponse {
  units: Unit[];
  seq: number;
}

/** Wall KPIs. */
export interface CommandKpis {
  openByAgency: Record<FeedSource, number>;
  unitsAvailable: number;
  unitsTotal: number;
  /** Median seconds from first report to first dispatch, today (Asia/Shanghai), null when none. */
  medianDispatchS: number | null;
  dispatchedToday: number;
}

/**
 * What a new report that affects roads (a closure, waterlogging) did to the road network: the road condition placed,
 * or why none could be (e.g. the point is more than 100 m from any road). The record is stored either way.
 */
export type RoadEffectOutcome = { applied: true; conditionId: number; gid: number } | { applied: false; reason: string };

/** Feed delivery answer. */
export interface FeedAck {
  source: FeedSource;
  sourceId: string;
  recordId: number;
  incidentId: number;
  /** False when this record had already been received (a redelivery): nothing changed. */
  created: boolean;
  /** Only for new records of a category that affects roads. */
  roadEffect?: RoadEffectOutcome;
}
