import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SIREN_SIGNALS, type SignalPattern, type SirenSignal } from '../../contracts/airdefense';

const signalSchema = z.object({
  id: z.enum(SIREN_SIGNALS),
  label: z.string().min(1),
  onS: z.number().positive().max(600),
  offS: z.number().min(0).max(600),
  cycles: z.number().int().min(1).max(60),
  toneHz: z.number().min(100).max(2000),
});
const fileSchema = z.object({
  version: z.number().int(),
  confirmWithinS: z.number().int().min(30).max(3600),
  ackWithinS: z.number().min(1).max(300),
  completeGraceS: z.number().min(1).max(600),
  signals: z.array(signalSchema),
});

export interface SignalBook {
  /** How long a proposal waits for its confirmation. */
  confirmWithinS: number;
  /** How long each siren has to acknowledge a command before it counts as not answering. */
  ackWithinS: number;
  /** Margin after a signal's duration for the siren's completion report. */
  completeGraceS: number;
  signals: SignalPattern[];
  pattern(id: SirenSignal): SignalPattern;
}

/** The signals of data/airdefense/signals.json: exactly one per signal id. */
export function loadSignals(file = path.resolve(__dirname, '../../data/airdefense/signals.json')): SignalBook {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const id of SIREN_SIGNALS) {
    const n = parsed.signals.filter((s) => s.id === id).length;
    if (n !== 1) throw new Error(`${file}: signal ${id} has ${n} entries, expected exactly one`);
  }
  const byId = new Map(parsed.signals.map((s) => [s.id, s]));
  return {
    confirmWithinS: parsed.confirmWithinS,
    ackWithinS: parsed.ackWithinS,
    completeGraceS: parsed.completeGraceS,
    signals: parsed.signals,
    pattern: (id) => byId.get(id)!,
  };
}

/** The sounding intervals of a pattern, in seconds from its start: what a siren (or the wall's playback) sounds. */
export function soundingIntervals(p: Pick<SignalPattern, 'onS' | 'offS' | 'cycles'>): { startS: number; endS: number }[] {
  return Array.from({ length: p.cycles }, (_, i) => ({ startS: i * (p.onS + p.offS), endS: i * (p.onS + p.offS) + p.onS }));
}

/** The signal's whole period, its last silence included (the national signals each last 3 minutes). */
export function signalDurationS(p: Pick<SignalPattern, 'onS' | 'offS' | 'cycles'>): number {
  return p.cycles * (p.onS + p.offS);
}
