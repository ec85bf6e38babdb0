import type { Router } from 'express';
import type { AppDeps } from '../deps';
import { ogcRoutes } from '../ogc/routes';
import { open311Routes } from '../open311/routes';
import { basemapRoutes } from './basemap';
import { tileRoutes } from './tiles';

/** Routers mounted at the root (tiles, basemap, OGC API – Features, Open311 GeoReport v2): one line per capability. */
export const STATIC_ROUTES: ((deps: AppDeps) => Router)[] = [tileRoutes, basemapRoutes, ogcRoutes, open311Routes];
