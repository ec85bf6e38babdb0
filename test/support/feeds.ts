import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { FeedSource, IncidentCategory } from '../../contracts/incidents';
import { loadFeedKeys } from '../../gateway/feeds/keys';
import { signFeed } from '../../gateway/feeds/signature';
import type { Queryable } from '../../geo/db/types';
import { encodeReport } from '../../scripts/scenario/encoders';
import type { TruthReport } from '../../scripts/scenario/truth';
import { ROOT } from './env';

export const FEED_KEYS = loadFeedKeys(path.join(ROOT, 'data', 'demo', 'feed-keys.json'));

/** Headers of a correctly signed delivery of `body` from `source`. */
export function signedHeaders(source: FeedSource, body: string, nowMs = Date.now()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'x-feed-timestamp': String(ts),
    'x-feed-signature': signFeed(FEED_KEYS.secretOf(source)!, ts, body),
  };
}

/** Delivers a native payload to `POST /api/feeds/{source}`, signed. */
export function postFeed(app: Express, source: FeedSource, payload: unknown) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return request(app).post(`/api/feeds/${source}`).set(signedHeaders(source, body)).send(body);
}

/** Delivers a native payload to a running gateway's `POST /api/feeds/{source}`, signed; answers the acknowledgement. */
export async function postFeedTo(baseUrl: string, source: FeedSource, payload: unknown): Promise<{ incidentId: number }> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${baseUrl}/api/feeds/${source}`, { method: 'POST', headers: signedHeaders(source, body), body });
  if (res.status !== 201 && res.status !== 200) throw new Error(`feed ${source} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { incidentId: number };
}

let seq = 0;
/**
 * A place and time no other test uses: suites share one database and fusion joins reports within 500 m and 30 min,
 * so each scene gets a random moment in the past 20 years and a random point in central Harbin (two of a thousand
 * scenes collide with a chance of about 1 in 40).
 */
export function freshScene(): { at: Date; lon: number; lat: number } {
  const day = 1 + Math.floor(Math.random() * 20 * 365);
  const at = new Date(Date.now() - day * 86_400_000 - Math.floor(Math.random() * 86_400_000));
  at.setUTCMilliseconds(0);
  return { at, lon: 126.6 + Math.random() * 0.1, lat: 45.73 + Math.random() * 0.05 };
}

/** Moves a point by metres east and north. */
export function offset(p: { lon: number; lat: number }, eastM: number, northM: number): { lon: number; lat: number } {
  return {
    lon: p.lon + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
    lat: p.lat + northM / 110_574,
  };
}

/** A ground-truth report with a unique record id, rendered by the agency's encoder. */
export function report(
  source: FeedSource,
  category: IncidentCategory,
  where: { lon: number; lat: number },
  at: Date,
  over: Partial<TruthReport> = {},
): { truth: TruthReport; payload: Record<string, unknown> } {
  seq++;
  const truth: TruthReport = {
    source,
    sourceId: `T${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${seq}`.toUpperCase(),
    category,
    priority: 6,
    title: '测试警情',
    description: '集成测试生成的报告',
    at,
    lon: where.lon,
    lat: where.lat,
    address: '哈尔滨市南岗区红军街',
    addressOnly: false,
    casualties: null,
    ...over,
  };
  return { truth, payload: encodeReport(truth) };
}

/** Units placed for one test (unique ids), available at the given points with fresh positions. */
export async function placeUnits(
  db: Queryable,
  units: { type: string; agency: string; lon: number; lat: number }[],
): Promise<string[]> {
  const tag = Math.random().toString(36).slice(2, 7).toUpperCase();
  const ids = units.map((_, i) => `T${tag}${i}`);
  for (const [i, u] of units.entries()) {
    await db.query(
      `INSERT INTO unit (id, callsign, type, agency, status, geom, position_at, stale_at, accuracy_m, home)
       VALUES ($1, $2, $3, $4, 'available', ST_SetSRID(ST_MakePoint($5, $6), 4326), now(), now() + interval '1 hour', 5, '测试')`,
      [ids[i]!, `测${tag}${i}`, u.type, u.agency, u.lon, u.lat],
    );
  }
  return ids;
}
