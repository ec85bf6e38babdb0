import { createContext } from 'react';

/**
 * The screen a map is shown on, set by the page around its maps: a wall read from across the room wants larger
 * labels than a desk, and a large screen wants its first view filled by the basemap rather than by the empty
 * margin around the area the basemap covers.
 */
export interface MapScreen {
  /** Map labels at this multiple of their size (label-scale.ts). */
  labelScale: number;
  /** Start on the basemap's coverage filling the map (coverage.ts), instead of the fixed first view. */
  coverBasemap: boolean;
}

export const DESK_SCREEN: MapScreen = { labelScale: 1, coverBasemap: false };

export const MapScreenContext = createContext<MapScreen>(DESK_SCREEN);
