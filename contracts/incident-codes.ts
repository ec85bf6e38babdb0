/** The code lists other contracts (plans, incidents) build on, kept apart so that those can import them without a cycle. */

/** The common incident categories every agency's own codes map onto. */
export const INCIDENT_CATEGORIES = [
  'crime',
  'public_order',
  'fire',
  'explosion',
  'hazmat',
  'medical',
  'injury',
  'traffic_crash',
  'congestion',
  'road_closure',
  'flood',
  'waterlogging',
  'gauge_alarm',
  'air_raid',
  'siren_fault',
  'shelter',
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** Units (police cars, fire engines, ambulances, inspectors): live tracks after Cursor-on-Target. */
export const UNIT_TYPES = ['police_car', 'fire_engine', 'ambulance', 'traffic_police', 'rescue', 'inspector'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];
