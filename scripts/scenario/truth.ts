import type { FeedSource, IncidentCategory, UnitStatus } from '../../contracts/incidents';

/**
 * Ground truth of the scenario simulator: what really happened, before an agency system renders it into its own
 * format. The encoders turn these into native payloads; the feed adapters should recover them.
 */

/** One agency's report of an event. */
export interface TruthReport {
  source: FeedSource;
  /** The record id in the agency's system. */
  sourceId: string;
  /** Must be one of CATEGORIES_BY_SOURCE[source]. */
  category: IncidentCategory;
  /** Common 0–10 priority; the agency's scale is coarser, so it comes back as the nearest level it can send. */
  priority: number;
  title: string;
  description: string | null;
  at: Date;
  /** WGS-84. */
  lon: number;
  lat: number;
  address: string | null;
  /** The agency sends the address only, no coordinates (the address must then be set). */
  addressOnly: boolean;
  casualties: number | null;
}

/** One gauge reading at a station (SL 323 resolution: z to the centimetre, drp to 0.1 mm). */
export interface TruthGaugeReading {
  stcd: string;
  at: Date;
  waterLevelM: number | null;
  rainfallMm: number | null;
}

/** One position fix of a unit. */
export interface TruthTrack {
  unitId: string;
  /** CoT type, e.g. a-f-G-E-V. */
  cotType: string;
  at: Date;
  /** Seconds after `at` at which the fix goes stale. */
  staleAfterS: number;
  /** WGS-84. */
  lon: number;
  lat: number;
  /** Metres; null for unknown. */
  accuracyM: number | null;
  status: UnitStatus | null;
}
