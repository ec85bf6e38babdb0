import type { Router } from 'express';
import type { AppDeps } from '../deps';
import { basemapRoutes } from './basemap';
import { tileRoutes } from './tiles';

/** Routers mounted at the root (tiles, basemap): one line per capability. */
export const STATIC_ROUTES: ((deps: AppDeps) => Router)[] = [tileRoutes, basemapRoutes];
