import type { GeocodeService } from '../../geo/geocode/service';
import type { Locator } from '../../geo/grid/locate';
import type { RoutingService } from '../../geo/routing/service';

/** The geo services built once the database is ready: grid location, routing and geocoding. */
export interface GeoServices {
  locator: Locator;
  routing: RoutingService;
  geocoder: GeocodeService;
}
