import { z } from 'zod';
import type { SharingDecisionInput, SharingRequest, SharingRequestInput, SharingResource } from '../../../contracts/sharing';
import { call } from '../api/http';

/** The information-resource catalogue and its 条件共享 requests, as the 资源目录 page uses them. */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const resourcesSchema = z
  .custom<{ resources: SharingResource[] }>((v) => record(v) && Array.isArray(v.resources), 'the resource catalogue')
  .transform((v) => v.resources);
const requestsSchema = z
  .custom<{ requests: SharingRequest[] }>((v) => record(v) && Array.isArray(v.requests), 'sharing requests')
  .transform((v) => v.requests);
const requestSchema = z.custom<SharingRequest>(
  (v) => record(v) && typeof v.id === 'string' && typeof v.state === 'string',
  'a sharing request',
);

/** One district's name and the box around it, for choosing an area. */
export interface DistrictBox {
  adcode: string;
  name: string;
  bbox: [number, number, number, number];
}

const districtsSchema = z
  .custom<{ features: { properties: { adcode: string; name: string }; geometry: { coordinates: unknown } }[] }>(
    (v) => record(v) && Array.isArray(v.features),
    'districts',
  )
  .transform((v) =>
    v.features.map((f): DistrictBox => {
      const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
      const walk = (c: unknown): void => {
        if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
          box[0] = Math.min(box[0], c[0]);
          box[1] = Math.min(box[1], c[1]);
          box[2] = Math.max(box[2], c[0]);
          box[3] = Math.max(box[3], c[1]);
        } else if (Array.isArray(c)) c.forEach(walk);
      };
      walk(f.geometry.coordinates);
      const round = (x: number) => Math.round(x * 10_000) / 10_000;
      return { adcode: f.properties.adcode, name: f.properties.name, bbox: box.map(round) as DistrictBox['bbox'] };
    }),
  );

export const sharingApi = {
  resources: (signal?: AbortSignal) => call('GET', '/api/sharing/resources', resourcesSchema, undefined, signal),
  requests: (signal?: AbortSignal) => call('GET', '/api/sharing/requests', requestsSchema, undefined, signal),
  ask: (input: SharingRequestInput) => call('POST', '/api/sharing/requests', requestSchema, input),
  decide: (id: string, input: SharingDecisionInput) =>
    call('POST', `/api/sharing/requests/${encodeURIComponent(id)}/decision`, requestSchema, input),
  /** The districts of the public boundary layer, as boxes to pick an area from. */
  districts: (signal?: AbortSignal) =>
    call('GET', '/ogc/collections/district/items?properties=adcode,name&limit=100', districtsSchema, undefined, signal),
};
