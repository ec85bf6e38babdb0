import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planSchema } from '../../contracts/plans';
import { PLANS_DIR } from '../plans/load';
import type { ReportingClock } from './clock';

const cache = new Map<string, ReportingClock | null>();

/**
 * The reporting clock of a plan (its `reporting` deadlines), read from the plan's file in data/plans/ once per
 * process; null when the plan is no longer there (the response then shows its reports without deadlines).
 */
export function planReportingClock(planId: string, dir = PLANS_DIR): ReportingClock | null {
  if (cache.has(planId)) return cache.get(planId)!;
  const file = path.join(dir, `${planId}.json`);
  let clock: ReportingClock | null = null;
  if (/^[a-z0-9-]{2,60}$/.test(planId) && existsSync(file)) {
    const parsed = planSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) clock = parsed.data.reporting;
  }
  cache.set(planId, clock);
  return clock;
}
