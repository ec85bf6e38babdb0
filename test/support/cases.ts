import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import request from 'supertest';
import type { CaseDetail, CasePhoto, ReportCaseResponse } from '../../contracts/cases';
import type { RoleId } from '../../contracts/identity';
import { KEY_FILE_NAME, loadAuditKey } from '../../gateway/audit/key';
import { loadConfig } from '../../gateway/config';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from './identity';

/** City-management tests: the real app over the test PostGIS with photos stored in a temporary DATA_DIR. */

export interface CaseTestApp extends IdentityTestApp {
  dataDir: string;
  users: Record<string, { id: string; username: string; cookie: string }>;
  /** Points at the centres of distinct unit-grid cells (each test takes its own, so duplicates do not interfere). */
  nextPoint: () => { lon: number; lat: number; gridCode: string };
}

const ROLES: [string, RoleId, string | null][] = [
  ['dispatcher', 'dispatcher', 'command-center'],
  ['inspector', 'inspector', null],
  ['inspector2', 'inspector', null],
  ['handler', 'handler', 'urban-mgmt'],
  ['trafficHandler', 'handler', 'traffic-police'],
  ['commander', 'commander', 'command-center'],
  ['leader', 'leader', 'command-center'],
  ['wall', 'wall', null],
  ['planner', 'planner', 'planning'],
  ['sysadmin', 'sysadmin', 'info-center'],
];

export async function createCaseTestApp(): Promise<CaseTestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'harbin-cases-'));
  // Photos go to the temporary DATA_DIR, but the audit chain of the shared test database must stay signed with the
  // one key every suite uses (DATA_DIR/audit-hmac.key): the key file moves along.
  const previous = process.env.DATA_DIR;
  if (!process.env.AUDIT_HMAC_KEY) {
    const usual = loadConfig(process.env).DATA_DIR;
    loadAuditKey({ configured: undefined, dataDir: usual });
    copyFileSync(path.join(usual, KEY_FILE_NAME), path.join(dataDir, KEY_FILE_NAME));
    chmodSync(path.join(dataDir, KEY_FILE_NAME), 0o600);
  }
  process.env.DATA_DIR = dataDir;
  const t = await createIdentityTestApp();
  const users: CaseTestApp['users'] = {};
  for (const [key, role, dept] of ROLES) {
    const a = await createAccount(t.db, { role, departmentId: dept, prefix: key.toLowerCase().slice(0, 10) });
    users[key] = { id: a.id, username: a.username, cookie: await login(t.app, a.username, a.password) };
  }
  const cells = await t.db.query<{ code: string; lon: number; lat: number }>(
    `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
       FROM grid_cell ORDER BY md5(code || $1) LIMIT 400`,
    [randomUUID()],
  );
  let i = 0;
  return {
    ...t,
    dataDir,
    users,
    nextPoint: () => {
      const c = cells[i++ % cells.length]!;
      return { lon: Number(c.lon), lat: Number(c.lat), gridCode: c.code };
    },
    close: async () => {
      await t.close();
      if (previous === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = previous;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A real JPEG with EXIF GPS, capture time and an orientation of 6 (rotate 90° clockwise). */
export function sampleJpeg(opts: { width?: number; height?: number; seed?: number; gps?: boolean } = {}): Promise<Buffer> {
  const { width = 96, height = 64, seed = 0, gps = true } = opts;
  const img = sharp({
    create: { width, height, channels: 3, background: { r: (seed * 37) % 256, g: 120, b: (seed * 91) % 256 } },
  })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 });
  return (
    gps
      ? img.withExif({
          IFD0: { Make: 'HarbinTestCam' },
          IFD2: { DateTimeOriginal: '2026:11:20 09:15:00' },
          IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '45/1 45/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '126/1 38/1 0/1' },
        })
      : img
  ).toBuffer();
}

export async function uploadPhoto(
  t: CaseTestApp,
  cookie: string,
  stage: 'report' | 'verify' | 'feedback' | 'check',
  caseId?: number,
  seed = Math.floor(Math.random() * 1e6),
): Promise<CasePhoto> {
  const res = await request(t.app)
    .post(`/api/cases/photos?stage=${stage}${caseId ? `&caseId=${caseId}` : ''}`)
    .set('Cookie', cookie)
    .set('Content-Type', 'image/jpeg')
    .send(await sampleJpeg({ seed }));
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as CasePhoto;
}

export async function reportCase(
  t: CaseTestApp,
  cookie: string,
  over: Record<string, unknown> = {},
): Promise<{ status: number; body: ReportCaseResponse }> {
  const p = t.nextPoint();
  const res = await request(t.app)
    .post('/api/cases')
    .set('Cookie', cookie)
    .send({
      idempotencyKey: randomUUID(),
      categoryCode: 'SJ0102',
      description: '路边暴露垃圾约一立方米',
      lon: p.lon,
      lat: p.lat,
      ...over,
    });
  return { status: res.status, body: res.body as ReportCaseResponse };
}

export async function caseEvent(
  t: CaseTestApp,
  cookie: string,
  id: number,
  event: string,
  body: Record<string, unknown> = {},
): Promise<{ status: number; case: CaseDetail; error?: { code: string; message: string } }> {
  const res = await request(t.app).post(`/api/cases/${id}/${event}`).set('Cookie', cookie).send(body);
  return {
    status: res.status,
    case: (res.body as { case: CaseDetail }).case,
    error: (res.body as { error?: { code: string; message: string } }).error,
  };
}

/** Every file below a directory (for "no temporary files left" checks). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const full = path.join(d, f);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  try {
    walk(dir);
  } catch {
    return out;
  }
  return out;
}
