import { FEED_SOURCES, OPEN_STATES, type CommandKpis, type FeedSource } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';

/** Wall KPIs: open incidents per agency, units available, and today's median time from first report to dispatch. */
export async function commandKpis(db: Queryable): Promise<CommandKpis> {
  const open = await db.query<{ source: FeedSource; n: string }>(
    `SELECT s AS source, count(*) AS n FROM incident, unnest(sources) AS s WHERE status = ANY($1::text[]) GROUP BY s`,
    [[...OPEN_STATES]],
  );
  const units = await db.query<{ available: string; total: string }>(
    `SELECT count(*) FILTER (WHERE status = 'available') AS available, count(*) AS total FROM unit`,
  );
  // "Today" is the calendar day in Harbin (UTC+8). The clock starts at the first report, but never later than when
  // the platform opened the incident: a source clock running ahead cannot make a dispatch precede its report.
  const dispatch = await db.query<{ median: number | null; n: string }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (
              ORDER BY extract(epoch FROM d.first_dispatch - least(i.first_reported_at, i.created_at))) AS median,
              count(*) AS n
         FROM (SELECT incident_id, min(at) AS first_dispatch FROM incident_step WHERE action = 'dispatch' GROUP BY incident_id) d
         JOIN incident i ON i.id = d.incident_id
        WHERE d.first_dispatch >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'`,
  );
  const openByAgency = Object.fromEntries(FEED_SOURCES.map((s) => [s, 0])) as Record<FeedSource, number>;
  for (const r of open) openByAgency[r.source] = Number(r.n);
  const median = dispatch[0]?.median;
  return {
    openByAgency,
    unitsAvailable: Number(units[0]?.available ?? 0),
    unitsTotal: Number(units[0]?.total ?? 0),
    medianDispatchS: median === null || median === undefined ? null : Math.round(Number(median)),
    dispatchedToday: Number(dispatch[0]?.n ?? 0),
  };
}
