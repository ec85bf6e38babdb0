/**
 * The capacity rules of derived shelters (figures and sources: data/shelters/README.md): one place for each figure.
 */
export const SHELTER_RULES = {
  /** 人防工程 personnel shelter: m² of usable floor per person (GB 50038-2005, 人员掩蔽工程 1.0 m²/人). */
  undergroundM2PerPerson: 1.0,
  /** 应急避难场所 (固定, short stay): m² of effective area per person (GB 51143-2015 2.0 m²/人). */
  openSpaceM2PerPerson: 2.0,
  /** Usable area assumed for an OSM bunker, which the data maps as a point. */
  bunkerM2: 300,
  /** Usable shelter area assumed for a metro station (station hall and platform of a two-level station). */
  metroStationM2: 2000,
  /** Open spaces with less effective area than this are not counted (GB 51143: 紧急避难场所 ≥ 0.1 hm² site). */
  minOpenSpaceM2: 500,
} as const;
