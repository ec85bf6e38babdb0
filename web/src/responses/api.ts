import { z } from 'zod';
import type { Plan, ResponseLevel } from '../../../contracts/plans';
import type {
  EmergencyResponse,
  ResponseListResponse,
  ResponseSuggestion,
  ResponseTask,
  SuggestionListResponse,
  TaskAction,
  TaskListResponse,
} from '../../../contracts/responses';
import { call } from '../api/http';

/**
 * The emergency-response API of the wall and the task boards. Answers are checked at the level the pages rely on
 * (envelopes, ids, states); the entities are the contract's types, written by the same gateway.
 */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const responseSchema = z.custom<EmergencyResponse>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.level === 'string' && Array.isArray(v.tasks),
  'a response',
);
const taskSchema = z.custom<ResponseTask>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.state === 'string' && Array.isArray(v.checklist),
  'a response task',
);
const suggestionSchema = z.custom<ResponseSuggestion>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.reason === 'string',
  'a suggestion',
);
const planSchema = z.custom<Plan>((v) => record(v) && typeof v.id === 'string' && record(v.levels), 'a plan');

const responseList: z.ZodType<ResponseListResponse> = z.object({ responses: z.array(responseSchema), seq: z.number() });
const suggestionList: z.ZodType<SuggestionListResponse> = z.object({ suggestions: z.array(suggestionSchema), seq: z.number() });
const taskList: z.ZodType<TaskListResponse> = z.object({ tasks: z.array(taskSchema), seq: z.number() });

export const responsesApi = {
  plans: () => call('GET', '/api/plans', z.array(planSchema)),
  active: () => call('GET', '/api/responses?status=active', responseList),
  suggestions: () => call('GET', '/api/responses/suggestions', suggestionList),
  declare: (body: { incidentIds: number[]; planId: string; level: ResponseLevel; reason: string; suggestionId?: string }) =>
    call('POST', '/api/responses', responseSchema, body),
  dismiss: (id: string, reason: string) => call('POST', `/api/responses/suggestions/${id}/dismiss`, suggestionSchema, { reason }),
  tasks: () => call('GET', '/api/responses/tasks?scope=mine', taskList),
  transition: (id: string, action: TaskAction) => call('POST', `/api/responses/tasks/${id}/transition`, taskSchema, { action }),
  note: (id: string, body: string, checked: number[]) =>
    call('POST', `/api/responses/tasks/${id}/notes`, taskSchema, { body, checked }),
  photo: (id: string, file: Blob) => call('POST', `/api/responses/tasks/${id}/photos`, taskSchema, file),
};

export const photoUrl = (taskId: string, photoId: number, variant: 'view' | 'thumb') =>
  `/api/responses/tasks/${taskId}/photos/${photoId}/${variant}`;
