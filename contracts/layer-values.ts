import { CASE_CHANNEL_LABELS, CASE_KIND_LABELS } from './cases/code-tables';
import { CASE_STATE_LABELS, SUPERVISION_LEVEL_LABELS } from './cases/workflow';
import { INCIDENT_CATEGORY_LABELS, INCIDENT_STATE_LABELS, UNIT_STATUS_LABELS, UNIT_TYPE_LABELS } from './incidents';
import { WARNING_CERTAINTY_LABELS, WARNING_HAZARDS, WARNING_LEVEL_LABELS } from './warnings';

/**
 * The Chinese names of the coded values of the catalogue's layers (geo/catalog/layers.ts), in one table: for each
 * collection and property, every code the data holds and how a person reads it. The planner offers these values
 * in lists and writes them in result tables; filters still send the codes.
 */

/** POI categories of the base data (the `category` of the imported OpenStreetMap points). */
export const POI_CATEGORY_LABELS: Readonly<Record<string, string>> = {
  medical_hospital: '医院',
  medical_pharmacy: '药店',
  fire_station: '消防站',
  police: '公安派出所',
  government: '政府机关',
  shelter_small: '小型避难场所',
  shelter_bunker_civil_defence: '人防工程',
  open_space_stadium: '体育场（开阔空间）',
  education_kindergarten: '幼儿园',
  education_school: '中小学',
  education_college: '大专院校',
  education_university: '大学',
  transport_rail_station: '火车站、地铁站',
  transport_bus_station: '公交、客运站',
  transport_airport: '机场',
  hazard_fuel_station: '加油站',
  hazard_storage_tank: '储罐',
  utility_power_plant: '发电厂',
  utility_power_substation: '变电站',
  utility_water_works: '自来水厂',
  utility_water_tower: '水塔',
  utility_wastewater: '污水处理厂',
  social_facility: '社会福利设施',
};

/** OSM `highway` classes of the road layer. */
const HIGHWAY_LABELS: Readonly<Record<string, string>> = {
  motorway: '高速公路',
  motorway_link: '高速公路匝道',
  trunk: '快速路、干线公路',
  trunk_link: '快速路匝道',
  primary: '主干路',
  primary_link: '主干路连接线',
  secondary: '次干路',
  secondary_link: '次干路连接线',
  tertiary: '支路',
  tertiary_link: '支路连接线',
  residential: '居住区道路',
  living_street: '生活街道',
  service: '内部道路',
  unclassified: '未分级道路',
  pedestrian: '步行街',
  footway: '人行道',
  path: '小路',
  steps: '台阶',
  track: '机耕路',
  cycleway: '自行车道',
  construction: '在建道路',
  proposed: '规划道路',
};

const WARNING_STATE_LABELS: Readonly<Record<string, string>> = {
  active: '生效',
  superseded: '已被替代',
  cancelled: '已解除',
  expired: '已过期',
};
const WARNING_MSG_TYPE_LABELS: Readonly<Record<string, string>> = { Alert: '发布', Update: '调整', Cancel: '解除' };
const WARNING_HAZARD_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(WARNING_HAZARDS).map(([id, h]) => [id, h.label]),
);

/** collection id → property → code → Chinese name. */
export const LAYER_VALUE_LABELS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  poi: { category: POI_CATEGORY_LABELS },
  roads: { highway: HIGHWAY_LABELS, oneway: { yes: '单行', no: '双向', '-1': '逆向单行' } },
  incidents: { status: INCIDENT_STATE_LABELS, category: INCIDENT_CATEGORY_LABELS },
  cases: {
    state: CASE_STATE_LABELS,
    kind: CASE_KIND_LABELS,
    channel: CASE_CHANNEL_LABELS,
    supervision: SUPERVISION_LEVEL_LABELS,
  },
  units: { type: UNIT_TYPE_LABELS, status: UNIT_STATUS_LABELS },
  warnings: {
    level: WARNING_LEVEL_LABELS,
    state: WARNING_STATE_LABELS,
    msg_type: WARNING_MSG_TYPE_LABELS,
    hazard: WARNING_HAZARD_LABELS,
    certainty: WARNING_CERTAINTY_LABELS,
  },
  population: { source: { estimate: '估算', official: '官方' } },
};

/** The coded values of a property with their names, or null when its values are free text. */
export function valueLabelsOf(collection: string, property: string): Readonly<Record<string, string>> | null {
  return LAYER_VALUE_LABELS[collection]?.[property] ?? null;
}

/** How a value reads: its Chinese name when the table has one, else the value itself. */
export function valueLabel(collection: string, property: string, value: string): string {
  return valueLabelsOf(collection, property)?.[value] ?? value;
}
