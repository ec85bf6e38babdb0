import { z } from 'zod';
import type { ModeState } from '../../../contracts/incidents';
import type { ReceiptsResponse, StandingConference } from '../../../contracts/modes';
import { call } from '../api/http';

/** The mode-switch proposals, the receipt clocks and the standing conference, as the wall uses them. */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const modeStateSchema = z.custom<ModeState>(
  (v) => record(v) && typeof v.mode === 'string' && typeof v.seq === 'number' && typeof v.drill === 'boolean',
  'a mode state',
);
const conferenceSchema = z.custom<StandingConference>(
  (v) => record(v) && typeof v.id === 'string' && Array.isArray(v.inviteUsers),
  'a standing conference',
);
const receiptsSchema = z.custom<ReceiptsResponse>(
  (v) => record(v) && Array.isArray(v.open) && Array.isArray(v.received) && typeof v.at === 'string',
  'receipt clocks',
);

const proposalPath = (id: string, what: 'confirm' | 'cancel') => `/api/mode/proposals/${encodeURIComponent(id)}/${what}`;

export const modesApi = {
  confirm: (id: string) => call('POST', proposalPath(id, 'confirm'), modeStateSchema),
  cancel: (id: string) => call('POST', proposalPath(id, 'cancel'), modeStateSchema),
  conference: (signal?: AbortSignal) =>
    call('GET', '/api/mode', z.object({ conference: conferenceSchema.nullable() }), undefined, signal).then((r) => r.conference),
  receipts: (signal?: AbortSignal) => call('GET', '/api/mode/receipts', receiptsSchema, undefined, signal),
};
