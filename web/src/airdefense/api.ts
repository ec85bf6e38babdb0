import { z } from 'zod';
import type {
  CoverageGap,
  SignalPattern,
  Siren,
  SirenCommandDetail,
  SirenCommandInput,
  SirenCommandSummary,
} from '../../../contracts/airdefense';
import { call, getJson } from '../api/http';

/** The air-defence sirens API. Answers are checked at the level the pages rely on; records are the contract's types. */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sirenSchema = z.custom<Siren>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.lon === 'number' && typeof v.radiusM === 'number',
  'a siren',
);
const commandSchema = z.custom<SirenCommandSummary>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.state === 'string' && record(v.counts),
  'a siren command',
);
const detailSchema = z.custom<SirenCommandDetail>(
  (v) => commandSchema.safeParse(v).success && Array.isArray((v as { targets?: unknown }).targets),
);
const signalsSchema = z.object({
  signals: z.array(z.custom<SignalPattern>((v) => record(v) && typeof v.onS === 'number' && typeof v.cycles === 'number')),
  confirmWithinS: z.number(),
  ackWithinS: z.number(),
});
const coverageSchema = z.object({
  down: z.array(z.string()),
  gaps: z.array(z.custom<CoverageGap>((v) => record(v) && typeof v.street === 'string')),
});

export const airdefenseApi = {
  sirens: (signal?: AbortSignal) => getJson('/api/airdefense/sirens', z.array(sirenSchema), signal),
  commands: (signal?: AbortSignal) => getJson('/api/airdefense/commands', z.array(commandSchema), signal),
  command: (id: string, signal?: AbortSignal) =>
    getJson(`/api/airdefense/commands/${encodeURIComponent(id)}`, detailSchema, signal),
  signals: (signal?: AbortSignal) => getJson('/api/airdefense/signals', signalsSchema, signal),
  coverage: (signal?: AbortSignal) => getJson('/api/airdefense/coverage', coverageSchema, signal),
  propose: (input: SirenCommandInput) => call('POST', '/api/airdefense/commands', commandSchema, input),
  confirm: (id: string) => call('POST', `/api/airdefense/commands/${encodeURIComponent(id)}/confirm`, commandSchema, {}),
};
