/**
 * The written assumptions of the population estimate (人口网格估算), one place for every figure; the reasoning and
 * sources are in geo/population/README.md.
 */
export const POPULATION_ASSUMPTIONS = {
  /** Storeys assumed where a building carries no `building:levels` or `height` tag, by use. */
  defaultLevels: { home: 6, dormitory: 5, work: 5, school: 4, university: 5, hospital: 6, industry: 1, other: 2 },
  /** Night (resident) population: m² of floor per person, by use; uses without an entry house nobody at night. */
  nightM2PerPerson: { home: 36.5, dormitory: 10, hospital: 80 },
  /** Daytime population present in non-residential floor space: m² of floor per person, by use. */
  dayM2PerPerson: { work: 15, school: 8, university: 15, hospital: 25, industry: 60 },
  /** Share of residents at home on a working day. */
  homeDayShare: 0.45,
  /** Residential land with no mapped homes: assumed floor-area ratio (容积率) of its housing. */
  unmappedFloorAreaRatio: 1.2,
  /** Mapped home footprints stand for this share of the residential land they sit on (footprint / plot). */
  unmappedCoverage: 0.3,
} as const;

/**
 * Census population (常住人口) per district and the covered share of it: 哈尔滨市第六次全国人口普查主要数据公报 (2010),
 * scaled by the share of the district's 街道 (GB/T 2260 street codes 001–099 of 统计用区划代码 2023) that the city data
 * covers. The estimate is calibrated to these totals district by district.
 */
export const CENSUS_2010 = [
  { adcode: '230102', name: '道里区', people: 923_762, streets: 19 },
  { adcode: '230103', name: '南岗区', people: 1_343_857, streets: 18 },
  { adcode: '230104', name: '道外区', people: 906_421, streets: 23 },
  { adcode: '230110', name: '香坊区', people: 916_408, streets: 20 },
  { adcode: '230109', name: '松北区', people: 236_848, streets: 7 },
] as const;
