import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './types';
import { DbError } from './types';

const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

/** Numbered, forward-only migrations: `NNN_name.sql`, each applied once, in order, in its own transaction. */
export function listMigrations(dir = MIGRATIONS_DIR): { version: number; name: string; file: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), file: path.join(dir, f) }));
}

export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migration')).map((r) => r.version));
  const applied: number[] = [];
  for (const m of listMigrations(dir)) {
    if (done.has(m.version)) continue;
    const sql = readFileSync(m.file, 'utf8');
    try {
      await db.transaction(async (tx) => {
        for (const stmt of splitStatements(sql)) await tx.query(stmt);
        await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [m.version, m.name]);
      });
    } catch (err) {
      throw new DbError(`applying migration ${path.basename(m.file)}`, err);
    }
    applied.push(m.version);
  }
  return applied;
}

/**
 * Splits a migration into statements on top-level semicolons, leaving `$$`-quoted bodies whole,
 * so that each runs through the same parameterised path on both backends.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let buf = '';
  let inDollar = false;
  let inQuote = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (!inQuote && sql.startsWith('$$', i)) {
      inDollar = !inDollar;
      buf += '$$';
      i++;
      continue;
    }
    if (!inDollar && c === "'") inQuote = !inQuote;
    if (!inDollar && !inQuote && c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      buf += '\n';
      continue;
    }
    if (!inDollar && !inQuote && c === ';') {
      if (buf.trim()) out.push(buf.trim());
      buf = '';
      continue;
    }
    buf += c;
  }
  if (buf.trim()) out.push(buf.trim());
  return out;
}
