import type { Request } from 'express';
import type { Readiness, ReadyState } from '../deps';
import { AppError } from './errors';

/** The services a request needs, or a 503 saying start-up is still under way. */
export function ready(readiness: Readiness, _req?: Request): ReadyState {
  const state = readiness.current;
  if (!state) {
    throw new AppError('unavailable', `the platform is still starting (${readiness.step}); retry in a few seconds`);
  }
  return state;
}
