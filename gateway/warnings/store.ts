import type {
  PublicWarning,
  WarningAreaKind,
  WarningCertainty,
  WarningHazard,
  WarningLevel,
  WarningMsgType,
  WarningState,
} from '../../contracts/warnings';
import type { Queryable } from '../../geo/db/types';
import type { CapArea } from './area';
import { warningSql } from './sql';

const ACTIVE_SQL = warningSql('active.sql');
const FEED_SQL = warningSql('feed.sql');
const BY_ID_SQL = warningSql('by-id.sql');
const AREAS_SQL = warningSql('areas.sql');

/** A row of `public_warning_wire` (migration 075). */
export interface WarningRow {
  id: string;
  identifier: string;
  msg_type: WarningMsgType;
  references_id: string | null;
  state: WarningState;
  drill: boolean;
  hazard: WarningHazard;
  level: WarningLevel;
  headline: string;
  description: string;
  instruction: string;
  certainty: WarningCertainty;
  area_kind: WarningAreaKind;
  area_codes: string[];
  area_desc: string;
  cap_areas: CapArea[];
  sent_at: Date | string;
  effective_at: Date | string;
  onset_at: Date | string;
  expires_at: Date | string;
  sender: string;
  sender_name: string;
  note: string | null;
  seq: string | number;
  geometry: PublicWarning['geometry'] | string;
}

const iso = (t: Date | string) => new Date(t).toISOString();

export function toWarning(r: WarningRow): PublicWarning {
  const geometry = typeof r.geometry === 'string' ? (JSON.parse(r.geometry) as PublicWarning['geometry']) : r.geometry;
  return {
    id: r.id,
    identifier: r.identifier,
    msgType: r.msg_type,
    referencesId: r.references_id,
    state: r.state,
    drill: r.drill,
    hazard: r.hazard,
    level: r.level,
    headline: r.headline,
    description: r.description,
    instruction: r.instruction,
    certainty: r.certainty,
    areaKind: r.area_kind,
    areaCodes: r.area_codes,
    areaDesc: r.area_desc,
    // A simplified multipolygon is still one; a collapsed part would make it a collection, which walls skip.
    geometry: geometry.type === 'MultiPolygon' ? geometry : { type: 'MultiPolygon', coordinates: [] },
    sentAt: iso(r.sent_at),
    effectiveAt: iso(r.effective_at),
    onsetAt: iso(r.onset_at),
    expiresAt: iso(r.expires_at),
    sender: r.sender,
    senderName: r.sender_name,
    seq: Number(r.seq),
  };
}

/** Warnings in force now, most severe first. */
export const activeWarnings = (db: Queryable) => db.query<WarningRow>(ACTIVE_SQL);

/** The messages of the CAP index feed (cancel notices included) until they expire. */
export const feedMessages = (db: Queryable) => db.query<WarningRow>(FEED_SQL);

export async function warningRow(db: Queryable, id: string): Promise<WarningRow | null> {
  const [row] = await db.query<WarningRow>(BY_ID_SQL, [id]);
  return row ?? null;
}

interface AreaChoice {
  kind: 'district' | 'street';
  code: string;
  name: string;
  district_code: string;
}

/** Every district and street a warning may name. */
export const areaChoices = (db: Queryable) => db.query<AreaChoice>(AREAS_SQL);
