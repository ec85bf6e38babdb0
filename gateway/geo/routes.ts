import { Router } from 'express';
import { identityOf } from '../auth/identity';
import type { Capability } from '../http/capability';
import { aboutRoutes } from './about';
import { basemapRoutes } from './basemap';
import { facilitiesRoutes } from './facilities';
import { geocodeRoutes } from './geocode';
import { locateRoutes } from './locate';
import { ogcTilesRoutes } from './ogc-tiles';
import { routingRoutes } from './routing';
import { tileJsonRoutes, tileRoutes } from './tiles';

/**
 * The city under /api: the about page (answers while the platform starts), point location, facilities, drive-time
 * routing and road conditions, geocoding.
 */
export const geoCapability: Capability = {
  name: 'geo',
  boot: aboutRoutes,
  ready: {
    paths: ['/geo', '/facilities'],
    routes: ({ db, geo }, deps) =>
      Router()
        .use(locateRoutes(geo.locator))
        .use(facilitiesRoutes(db))
        .use(routingRoutes(geo.routing, identityOf(deps).policy))
        .use(geocodeRoutes(geo.geocoder)),
  },
};

/**
 * The map at the root: the offline basemap (archives, XYZ tiles and its style), the tile layers' TileJSON and their
 * OGC API – Tiles description (from the first request), and the vector tiles rendered from the database.
 */
export const mapCapability: Capability = {
  name: 'map',
  boot: (deps) =>
    Router()
      .use(basemapRoutes(deps))
      .use(tileJsonRoutes(identityOf(deps)))
      .use(ogcTilesRoutes(identityOf(deps))),
  ready: { paths: ['/tiles'], routes: ({ db }, deps) => tileRoutes(db, identityOf(deps)) },
};
