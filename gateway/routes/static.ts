import type { Router } from 'express';
import type { AppDeps } from '../deps';

/** Routers mounted at the root (tiles, basemap): one line per capability. */
export const STATIC_ROUTES: ((deps: AppDeps) => Router)[] = [];
