import type { Change } from '../../../contracts/incidents';
import type { EmergencyResponse, ResponseSuggestion, ResponseTask } from '../../../contracts/responses';

/**
 * How the change log's `responses` and `response_tasks` layers are kept in a live picture (changes/feed.ts): the
 * `responses` layer carries responses and suggestions, each keyed by kind and id; an ended response and a settled
 * suggestion leave the picture, as does a withdrawn task.
 */
export type ResponseItem =
  { kind: 'response'; response: EmergencyResponse } | { kind: 'suggestion'; suggestion: ResponseSuggestion };

export const RESPONSE_LAYER_RULES = {
  responses: {
    of: (c: Change): ResponseItem | undefined =>
      c.response
        ? { kind: 'response', response: c.response }
        : c.suggestion
          ? { kind: 'suggestion', suggestion: c.suggestion }
          : undefined,
    id: (i: ResponseItem): string => (i.kind === 'response' ? `r:${i.response.id}` : `s:${i.suggestion.id}`),
    keeps: (i: ResponseItem): boolean =>
      i.kind === 'response' ? i.response.status === 'active' : i.suggestion.status === 'open',
  },
  response_tasks: {
    of: (c: Change): ResponseTask | undefined => c.task,
    id: (t: ResponseTask): string => t.id,
    keeps: (t: ResponseTask): boolean => t.state !== 'cancelled',
  },
};

export type ResponseLayers = {
  responses: { item: ResponseItem; key: string };
  response_tasks: { item: ResponseTask; key: string };
};

/** The snapshot parts of both layers from the HTTP reads. */
export function responseSnapshot(
  active: { responses: EmergencyResponse[]; seq: number },
  open: { suggestions: ResponseSuggestion[]; seq: number },
) {
  const seq = Math.min(active.seq, open.seq);
  return {
    responses: {
      items: [
        ...active.responses.map((response): ResponseItem => ({ kind: 'response', response })),
        ...open.suggestions.map((suggestion): ResponseItem => ({ kind: 'suggestion', suggestion })),
      ],
      seq,
    },
    response_tasks: { items: active.responses.flatMap((r) => r.tasks), seq: active.seq },
  };
}
