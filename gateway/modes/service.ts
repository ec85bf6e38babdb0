import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { INCIDENT_CATEGORIES, SYSTEM_MODES, type ModeProfile, type ModeState, type SystemMode } from '../../contracts/incidents';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { insertChange, lockChangeLog } from '../changes/log';

const profileSchema = z.object({
  id: z.enum(SYSTEM_MODES),
  label: z.string().min(1),
  defaultLayers: z.array(z.string()),
  panels: z.array(z.string()),
  priorityBoost: z.partialRecord(z.enum(INCIDENT_CATEGORIES), z.number().int().min(-10).max(10)),
  alertPriority: z.number().int().min(0).max(10),
  alertSound: z.object({
    pattern: z.string(),
    frequencyHz: z.number().min(50).max(5000),
    onMs: z.number().int().positive(),
    offMs: z.number().int().min(0),
    repeats: z.number().int().min(1).max(60),
  }),
  clocks: z.string(),
  dispatchRule: z.string(),
  nonUrgentCases: z.enum(['normal', 'auto_extend', 'frozen']),
  accent: z.string().regex(/^#[0-9a-f]{6}$/i),
});
const fileSchema = z.object({ version: z.number().int(), profiles: z.array(profileSchema) });

/** The mode profiles of data/modes.json: exactly one per mode. */
export function loadModeProfiles(file = path.resolve(__dirname, '../../data/modes.json')): ModeProfile[] {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const mode of SYSTEM_MODES) {
    const n = parsed.profiles.filter((p) => p.id === mode).length;
    if (n !== 1) throw new Error(`${file}: mode ${mode} has ${n} profiles, expected exactly one`);
  }
  return parsed.profiles;
}

interface ModeRow {
  mode: SystemMode;
  drill: boolean;
  reason: string;
  changed_by: string | null;
  changed_at: Date | string;
  seq: string;
}

const toState = (r: ModeRow): ModeState => ({
  mode: r.mode,
  drill: r.drill,
  reason: r.reason,
  changedBy: r.changed_by,
  changedAt: new Date(r.changed_at).toISOString(),
  seq: Number(r.seq),
});

export async function readMode(db: Queryable): Promise<ModeState> {
  const [row] = await db.query<ModeRow>('SELECT mode, drill, reason, changed_by, changed_at, seq FROM system_mode WHERE id = 1');
  return toState(row!);
}

/**
 * The system mode (平时/应急/战时, each with a drill sub-mode) as one row, changed in one transaction with
 * its change-log entry; the realtime server sends it to every connected client at once.
 */
export async function changeMode(
  db: Db,
  hub: ChangeHub,
  input: { mode: SystemMode; drill: boolean; reason: string },
  actor: string,
  /** Told the state being replaced, read under the same lock as the change (for the audit row's from → to). */
  replacing?: (previous: ModeState) => void,
): Promise<ModeState> {
  const { state, changes } = await db.transaction(async (tx) => {
    await lockChangeLog(tx);
    if (replacing) replacing(await readMode(tx));
    // The state carries its own change-log sequence, so the sequence is taken first.
    const [{ seq }] = (await tx.query<{ seq: string }>("SELECT nextval('change_seq') AS seq")) as [{ seq: string }];
    const [row] = await tx.query<ModeRow>(
      `UPDATE system_mode SET mode = $1, drill = $2, reason = $3, changed_by = $4, changed_at = now(), seq = $5
        WHERE id = 1 RETURNING mode, drill, reason, changed_by, changed_at, seq`,
      [input.mode, input.drill, input.reason, actor, seq],
    );
    const state = toState(row!);
    const changes = await insertChange(tx, Number(seq), {
      topic: 'mode',
      entity: 'system',
      district: null,
      payload: { mode: state },
    });
    return { state, changes };
  });
  hub.publish(changes);
  return state;
}
