import { z } from 'zod';
import type { EvacuationPlan, EvacuationPlanInput } from '../../../contracts/evacuation';
import type { Shelter } from '../../../contracts/shelters';
import { call, getJson } from '../api/http';

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const shelterSchema = z.custom<Shelter>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.capacity === 'number' && typeof v.lon === 'number',
  'a shelter',
);
const planSchema = z.custom<EvacuationPlan>(
  (v) =>
    record(v) && typeof v.population === 'number' && Array.isArray(v.cells) && Array.isArray(v.shelters) && record(v.baseline),
  'an evacuation plan',
);
const summarySchema = z.object({
  districts: z.array(
    z.object({ adcode: z.string(), name: z.string(), night: z.number(), day: z.number(), target: z.number().nullable() }),
  ),
  streets: z.array(z.object({ code: z.string(), name: z.string(), district: z.string(), night: z.number(), day: z.number() })),
});
export type PopulationSummary = z.infer<typeof summarySchema>;

export const fetchShelters = (signal?: AbortSignal) => getJson('/api/shelters', z.array(shelterSchema), signal);
export const fetchPopulation = (signal?: AbortSignal) => getJson('/api/population/summary', summarySchema, signal);
export const requestPlan = (input: EvacuationPlanInput) => call('POST', '/api/evacuation/plans', planSchema, input);
