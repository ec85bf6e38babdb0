import {
  WARNING_LEVEL_LABELS,
  warningName,
  type PublicWarning,
  type WarningHazard,
  type WarningLevel,
} from '../../contracts/warnings';
import type { Queryable } from '../../geo/db/types';
import { enqueueNotification } from '../notify/enqueue';
import { warningSql } from './sql';

const DEPARTMENTS_SQL = warningSql('notify-departments.sql');

/** Departments that act on a hazard besides the command centre, by department kind. */
const HAZARD_DEPARTMENTS: Record<WarningHazard, readonly string[]> = {
  rainstorm: ['flood', 'traffic', 'urban_mgmt'],
  snowstorm: ['traffic', 'urban_mgmt'],
  cold_wave: ['urban_mgmt', 'ems'],
  gale: ['urban_mgmt', 'traffic'],
  fog: ['traffic'],
  heat: ['ems'],
  road_icing: ['traffic', 'urban_mgmt'],
  flood: ['flood', 'fire', 'traffic'],
  urban_waterlogging: ['flood', 'traffic', 'urban_mgmt'],
  earthquake: ['fire', 'ems', 'police', 'civil_defence'],
  forest_fire: ['fire'],
  hazmat: ['fire', 'ems', 'police'],
  power_outage: ['urban_mgmt', 'traffic'],
  air_raid: ['civil_defence', 'police', 'fire', 'ems', 'traffic'],
};

/** Levels whose publishing (or raising to) pages the people on duty. */
const PAGED_LEVELS: readonly WarningLevel[] = ['red', 'orange'];
const SEVERITY: readonly WarningLevel[] = ['blue', 'yellow', 'orange', 'red'];

/**
 * Pages whoever is on duty when a red or orange warning is published, or an update raises a warning to one of
 * those levels: the command centre, the departments that act on the hazard, and the departments of the districts
 * it covers. Queued in the publishing transaction, delivered after commit.
 */
export async function notifyOnDuty(tx: Queryable, warning: PublicWarning, replaced?: PublicWarning): Promise<void> {
  if (!PAGED_LEVELS.includes(warning.level)) return;
  if (replaced && SEVERITY.indexOf(replaced.level) >= SEVERITY.indexOf(warning.level)) return;
  // Street codes (GB/T 10114) begin with their district's GB/T 2260 code.
  const districts = [...new Set(warning.areaCodes.map((c) => c.slice(0, 6)))];
  const rows = await tx.query<{ id: string }>(DEPARTMENTS_SQL, [HAZARD_DEPARTMENTS[warning.hazard], districts]);
  if (!rows.length) return;
  const drill = warning.drill ? '【演练】' : '';
  await enqueueNotification(tx, {
    audience: { departmentIds: rows.map((r) => r.id) },
    title: `${drill}${warning.msgType === 'Update' ? '预警调整' : '预警发布'}：${warning.areaDesc.slice(0, 60)}${warningName(warning)}`,
    body: [
      warning.headline,
      `级别：${WARNING_LEVEL_LABELS[warning.level]}；生效：${warning.effectiveAt}；解除：${warning.expiresAt}`,
      warning.description,
      `防御指南：${warning.instruction}`,
    ]
      .join('\n')
      .slice(0, 4000),
    source: { kind: 'warning', id: warning.id },
    urgent: true,
  });
}
