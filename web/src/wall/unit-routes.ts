import type { Color, Layer } from '@deck.gl/core';
import { PathLayer, TextLayer } from '@deck.gl/layers';
import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import type { Incident, RecommendationResponse, UnitType } from '../../../contracts/incidents';
import type { RouteResponse } from '../../../contracts/routing';
import { getJson, isAbort } from '../api/http';
import { LABEL_FONT } from '../map/fonts';
import { rgb } from '../map/palette';
import { etaLabel, routeRequests } from './detail-rules';
import { UNIT_LOOK } from './look';

/**
 * The drive of each recommended unit to the selected incident on the road network (`GET /api/geo/route`, the same
 * router that ranked the units by drive time), drawn on the wall map in the unit's colour with its ETA at the unit's
 * end. Read again whenever the recommendations change (they are re-read every 30 s as units move).
 */

export interface UnitRoute {
  unitId: string;
  callsign: string;
  type: UnitType;
  /** ETA of the recommendation (seconds). */
  etaS: number;
  /** From the unit to the incident. */
  path: [number, number][];
}

const routeSchema = z.custom<RouteResponse>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    'geometry' in v &&
    typeof v.geometry === 'object' &&
    v.geometry !== null &&
    'coordinates' in v.geometry &&
    Array.isArray(v.geometry.coordinates),
  'a route',
);

const routePath = (from: [number, number], to: [number, number]) =>
  `/api/geo/route?from=${from.map((n) => n.toFixed(6)).join(',')}&to=${to.map((n) => n.toFixed(6)).join(',')}`;

/** The routes of the recommendations for the incident they were made for (none until they are read). */
export function useUnitRoutes(incident: Incident | null, recs: RecommendationResponse | null): UnitRoute[] {
  const [routes, setRoutes] = useState<{ key: string; routes: UnitRoute[] }>({ key: '', routes: [] });
  const requests = useMemo(
    () => (incident && recs && recs.incidentId === incident.id ? routeRequests(incident, recs) : []),
    [incident, recs],
  );
  const key = requests.map((r) => `${r.unitId}@${r.from.join(',')}>${r.to.join(',')}`).join('|');
  useEffect(() => {
    if (!requests.length) return;
    const ac = new AbortController();
    void Promise.all(
      requests.map((r) =>
        getJson(routePath(r.from, r.to), routeSchema, ac.signal).then(
          (route): UnitRoute[] => [
            {
              unitId: r.unitId,
              callsign: r.callsign,
              type: r.type,
              etaS: r.etaS,
              path: route.geometry.coordinates as [number, number][],
            },
          ],
          // A unit the router cannot bring there (closures) simply gets no line; its ETA stays in the list.
          (err: unknown): UnitRoute[] => {
            if (!isAbort(err)) console.warn(`route of ${r.unitId}:`, err);
            return [];
          },
        ),
      ),
    ).then((lists) => !ac.signal.aborted && setRoutes({ key, routes: lists.flat() }));
    return () => ac.abort();
    // `key` names the requests: the same units at the same places are not routed again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return key && routes.key === key ? routes.routes : NO_ROUTES;
}

const NO_ROUTES: UnitRoute[] = [];
const WHITE: Color = [255, 255, 255, 255];
const ON_TOP = { depthCompare: 'always', depthWriteEnabled: false } as const;
export const ETA_GLYPHS = '0123456789:约 '.split('');

const colorOf = (type: UnitType, alpha: number): Color => {
  const [r, g, b] = rgb(UNIT_LOOK[type].color);
  return [r, g, b, alpha];
};

/** A casing under each route so that it reads on any basemap, the route in the unit's colour, the ETA at the unit. */
export function routeLayers(routes: readonly UnitRoute[], scale: number): Layer[] {
  if (!routes.length) return [];
  const k = scale;
  return [
    new PathLayer<UnitRoute>({
      id: 'wall-routes-casing',
      data: routes as UnitRoute[],
      getPath: (r) => r.path,
      getColor: WHITE,
      getWidth: 7 * k,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      parameters: ON_TOP,
    }),
    new PathLayer<UnitRoute>({
      id: 'wall-routes',
      data: routes as UnitRoute[],
      getPath: (r) => r.path,
      getColor: (r) => colorOf(r.type, 235),
      getWidth: 4 * k,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      parameters: ON_TOP,
    }),
    new TextLayer<UnitRoute>({
      id: 'wall-routes-eta',
      data: routes as UnitRoute[],
      getPosition: (r) => r.path[0] ?? [0, 0],
      getText: (r) => etaLabel(r.etaS),
      getSize: 12 * k,
      getColor: WHITE,
      getPixelOffset: [0, -16 * k],
      background: true,
      getBackgroundColor: (r) => colorOf(r.type, 235),
      backgroundPadding: [4 * k, 2 * k],
      backgroundBorderRadius: 4 * k,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: ETA_GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'bottom',
      parameters: ON_TOP,
    }),
  ];
}
