import { FEED_SOURCES, type FeedSource, type IncidentCategory, type NormalisedReport } from '../../../contracts/incidents';
import { FeedRejection, type FeedAdapter } from '../adapter';
import { assertStorable } from '../payload';
import { airdefenseAdapter, airdefenseProfile } from './airdefense';
import { ems120Adapter, ems120Profile } from './ems120';
import { type AdapterProfile, formatZodIssues, type PriorityChoice } from './fields';
import { fire119Adapter, fire119Profile } from './fire119';
import { floodAdapter, floodProfile } from './flood';
import { police110Adapter, police110Profile } from './police110';
import { trafficAdapter, trafficProfile } from './traffic';

export type { AdapterProfile, PriorityChoice } from './fields';

/** The registry of feed adapters, one per agency source; a missing source fails to compile. */
export const FEED_ADAPTERS: Record<FeedSource, FeedAdapter> = {
  '110': police110Adapter,
  '119': fire119Adapter,
  '120': ems120Adapter,
  flood: floodAdapter,
  airdefense: airdefenseAdapter,
  traffic: trafficAdapter,
};

/** Each agency's code and priority tables (for the docs, the dead-letter view and the scenario simulator). */
export const FEED_PROFILES = {
  '110': police110Profile,
  '119': fire119Profile,
  '120': ems120Profile,
  flood: floodProfile,
  airdefense: airdefenseProfile,
  traffic: trafficProfile,
} as const satisfies Record<FeedSource, AdapterProfile>;

/** The common categories each agency can actually send (its code table's categories, in table order). */
export const CATEGORIES_BY_SOURCE = Object.fromEntries(
  FEED_SOURCES.map((source) => [source, [...new Set(Object.values(FEED_PROFILES[source].codes).map((c) => c.category))]]),
) as Record<FeedSource, IncidentCategory[]>;

/** The agency's canonical code for a category (the first in its table), or null when it cannot send that category. */
export function nativeCodeFor(source: FeedSource, category: IncidentCategory): string | null {
  const entry = Object.entries(FEED_PROFILES[source].codes).find(([, c]) => c.category === category);
  return entry ? entry[0] : null;
}

/**
 * The agency priority whose common value is nearest to `priority` (ties go to the higher common value: when in doubt,
 * rank up). This is the agency's resolution: a common priority comes back as this choice's value.
 */
export function nearestPriority(source: FeedSource, category: IncidentCategory, priority: number): PriorityChoice {
  const choices = FEED_PROFILES[source].priorityChoices(category);
  let best = choices[0];
  if (best === undefined) throw new Error(`source ${source} has no priority choices for ${category}`);
  for (const c of choices) {
    const d = Math.abs(c.priority - priority) - Math.abs(best.priority - priority);
    if (d < 0 || (d === 0 && c.priority > best.priority)) best = c;
  }
  return best;
}

/**
 * Parses a delivered body with the adapter's native schema and normalises it. Every failure is a FeedRejection:
 * a body the database could not keep (U+0000, lone surrogates, beyond FEED_TEXT_LIMITS, in any field, vendor extras
 * included) and a schema failure become `malformed` with the failing field path named; the adapter's own checks keep their
 * kinds (bad_time, bad_coordinates, outside_area, unknown_code, missing_location).
 */
export function parseNative(adapter: FeedAdapter, body: unknown): NormalisedReport {
  assertStorable(body, `${adapter.source} 记录`);
  const parsed = adapter.schema.safeParse(body);
  if (!parsed.success) {
    throw new FeedRejection('malformed', `${adapter.source} 记录格式有误：${formatZodIssues(parsed.error)}`);
  }
  return adapter.normalise(parsed.data);
}

/** Same, by source name. */
export const parseFeed = (source: FeedSource, body: unknown): NormalisedReport => parseNative(FEED_ADAPTERS[source], body);
