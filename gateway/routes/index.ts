import type { Router } from 'express';
import type { AppDeps } from '../deps';
import { aboutRoutes } from './about';
import { analysisRoutes } from './analysis';
import { apiTokenRoutes } from './api-tokens';
import { adminRoutes } from './admin';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { cameraRoutes } from './cameras';
import { caseRoutes } from './cases';
import { conferenceRoutes } from './conferences';
import { facilitiesRoutes } from './facilities';
import { geocodeRoutes } from './geo-geocode';
import { healthRoutes } from './health';
import { locateRoutes } from './geo-locate';
import { routingRoutes } from './geo-routing';
import { feedRoutes } from './feeds';
import { incidentRoutes } from './incidents';
import { modeRoutes } from './mode';

/** Every API router, mounted under `/api`. One line per capability. */
export const API_ROUTES: ((deps: AppDeps) => Router)[] = [
  healthRoutes,
  locateRoutes,
  aboutRoutes,
  facilitiesRoutes,
  routingRoutes,
  geocodeRoutes,
  authRoutes,
  apiTokenRoutes,
  adminRoutes,
  auditRoutes,
  feedRoutes,
  incidentRoutes,
  modeRoutes,
  analysisRoutes,
  cameraRoutes,
  conferenceRoutes,
  caseRoutes,
];
