/** The street-level (gridded) core of Harbin, from the city data's README. */
export const HARBIN_CORE = { west: 126.506, south: 45.658, east: 126.772, north: 45.831 } as const;
