import { analysisCapability } from './analysis/routes';
import { auditCapability } from './audit/routes';
import { casesCapability } from './cases/routes';
import { identityCapability } from './auth/routes';
import { feedsCapability } from './feeds/routes';
import { geoCapability, mapCapability } from './geo/routes';
import { healthCapability } from './health/routes';
import type { Capability } from './http/capability';
import { incidentsCapability } from './incidents/routes';
import { mediaCapability } from './media/routes';
import { modesCapability } from './modes/routes';
import { ogcCapability } from './ogc/routes';
import { open311Capability } from './open311/routes';

/** Every capability under `/api`, in mounting order: one line each; each folder's routes.ts says what it serves. */
export const API_CAPABILITIES: readonly Capability[] = [
  healthCapability,
  geoCapability,
  identityCapability,
  auditCapability,
  feedsCapability,
  incidentsCapability,
  modesCapability,
  analysisCapability,
  mediaCapability,
  casesCapability,
];

/** Capabilities mounted at the root: the map (basemap, tiles), OGC API – Features, Open311 GeoReport v2. */
export const ROOT_CAPABILITIES: readonly Capability[] = [mapCapability, ogcCapability, open311Capability];
