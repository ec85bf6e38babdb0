import type { Router } from 'express';
import type { AppDeps } from '../deps';
import { healthRoutes } from './health';
import { locateRoutes } from './geo-locate';

/** Every API router, mounted under `/api`. One line per capability. */
export const API_ROUTES: ((deps: AppDeps) => Router)[] = [healthRoutes, locateRoutes];
