import { airdefenseCapability } from './airdefense/routes';
import { analysisCapability } from './analysis/routes';
import { auditCapability } from './audit/routes';
import { casesCapability } from './cases/routes';
import { evacuationCapability } from './evacuation/routes';
import { dutyCapability } from './duty/routes';
import { identityCapability } from './auth/routes';
import { feedsCapability } from './feeds/routes';
import { geoCapability, mapCapability } from './geo/routes';
import { healthCapability } from './health/routes';
import type { Capability } from './http/capability';
import { incidentsCapability } from './incidents/routes';
import { mediaCapability } from './media/routes';
import { modesCapability } from './modes/routes';
import { notifyCapability } from './notify/routes';
import { ogcCapability } from './ogc/routes';
import { open311AdminCapability } from './open311/admin-routes';
import { open311Capability } from './open311/routes';
import { replayCapability } from './replay/routes';
import { reportsCapability } from './reports/routes';
import { responsesCapability } from './responses/routes';
import { sharingCapability } from './sharing/routes';
import { sheltersCapability } from './shelters/routes';
import { warningsCapability } from './warnings/routes';

/** Every capability under `/api`, in mounting order: one line each; each folder's routes.ts says what it serves. */
export const API_CAPABILITIES: readonly Capability[] = [
  healthCapability,
  geoCapability,
  identityCapability,
  auditCapability,
  feedsCapability,
  incidentsCapability,
  modesCapability,
  responsesCapability,
  replayCapability,
  analysisCapability,
  mediaCapability,
  casesCapability,
  open311AdminCapability,
  dutyCapability,
  notifyCapability,
  warningsCapability,
  reportsCapability,
  sheltersCapability,
  evacuationCapability,
  airdefenseCapability,
  sharingCapability,
];

/** Capabilities mounted at the root: the map (basemap, tiles), OGC API – Features, Open311 GeoReport v2. */
export const ROOT_CAPABILITIES: readonly Capability[] = [mapCapability, ogcCapability, open311Capability];
