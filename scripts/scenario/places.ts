/**
 * Real Harbin places the scenario simulator puts events at, WGS-84. Coordinates were read off the imported
 * OpenStreetMap data (road junctions from the two roads' intersection, landmarks from their POI or bridge
 * geometry) and are good to a few tens of metres; they are constants, so a scenario needs no database at run
 * time. Each `address` is written the way a dispatcher would type it. Scenarios send an address without
 * coordinates only for places whose address the gateway's geocoder puts near the point (checked against the
 * gateway's `locateReport` while writing; the distance is in `geocodedWithinM`).
 */

export interface Place {
  /** Short name for logs. */
  name: string;
  district: string;
  /** As a dispatcher writes it. */
  address: string;
  lon: number;
  lat: number;
  /** How far the gateway's geocoder puts `address` from the point, when it was checked (metres, rounded up). */
  geocodedWithinM?: number;
}

export const PLACES = {
  /** 道里区: 友谊路 meets 经纬街 at 人民广场 (metro line 2 station 人民广场 is at the junction). */
  youyiJingwei: {
    name: '友谊路与经纬街交口',
    district: '道里区',
    address: '人民广场东侧友谊路与经纬街交口',
    lon: 126.598009,
    lat: 45.771482,
    geocodedWithinM: 10,
  },
  /** 南岗区: the 博物馆 roundabout, where 红军街 meets 西大直街 and 东大直街. */
  hongjunXidazhi: {
    name: '红军街与西大直街交口',
    district: '南岗区',
    address: '红军街与西大直街交口（博物馆广场）',
    lon: 126.63633,
    lat: 45.75553,
  },
  /** 南岗区: 秋林, where 果戈里大街 begins at 东大直街 (果戈里大街 does not meet 红军街 itself). */
  dongdazhiGogol: {
    name: '东大直街与果戈里大街交口',
    district: '南岗区',
    address: '东大直街与果戈里大街交口（秋林）',
    lon: 126.639793,
    lat: 45.758243,
  },
  /** 南岗区: the 红军街 underpass by the 博物馆 roundabout, a known waterlogging spot in heavy rain. */
  hongjunTunnel: {
    name: '红军街下穿隧道',
    district: '南岗区',
    address: '红军街下穿隧道',
    lon: 126.63701,
    lat: 45.75551,
    geocodedWithinM: 5,
  },
  /** 道里区: 中央大街 at 西十二道街, the middle of the pedestrian street. */
  zhongyangDajie: {
    name: '中央大街',
    district: '道里区',
    address: '中央大街与西十二道街交口',
    lon: 126.613824,
    lat: 45.768574,
  },
  /** 道外区: 老道外, 靖宇街 at 南二道街, in the 中华巴洛克 historic blocks. */
  jingyuNaner: {
    name: '靖宇街与南二道街交口',
    district: '道外区',
    address: '道外区靖宇街与南二道街交口',
    lon: 126.633918,
    lat: 45.781525,
    geocodedWithinM: 190,
  },
  /** 道外区: the 中华巴洛克街区 (its metro station), a block east of 南二道街. */
  chineseBaroque: {
    name: '中华巴洛克街区',
    district: '道外区',
    address: '中华巴洛克街区',
    lon: 126.636278,
    lat: 45.782513,
    geocodedWithinM: 5,
  },
  /** 道外区: 南勋街 (the 南勋门 neighbourhood), south of 靖宇街. */
  nanxunJie: {
    name: '南勋街',
    district: '道外区',
    address: '南勋街',
    lon: 126.64048,
    lat: 45.78029,
    geocodedWithinM: 5,
  },
  /** The 松花江公路大桥 (1986), mid-span over the river between 道里 and 松北. */
  songhuaBridge: {
    name: '松花江公路大桥',
    district: '松北区',
    address: '松花江公路大桥',
    lon: 126.580891,
    lat: 45.764257,
    geocodedWithinM: 5,
  },
  /** 南岗区: 哈尔滨站 (the railway station). */
  harbinStation: {
    name: '哈尔滨站',
    district: '南岗区',
    address: '哈尔滨站',
    lon: 126.62804,
    lat: 45.76063,
    geocodedWithinM: 5,
  },
  /** 道里区: the 防洪胜利纪念塔 on 斯大林公园 at the north end of 中央大街, on the Songhua's south bank. */
  floodMonument: {
    name: '防洪纪念塔',
    district: '道里区',
    address: '防洪纪念塔（斯大林公园）',
    lon: 126.6117,
    lat: 45.7787,
    geocodedWithinM: 120,
  },
  /** 南岗区: 学府路 at 学府三道街, between 黑龙江大学 and 哈尔滨理工大学. */
  xuefuLu: {
    name: '学府路',
    district: '南岗区',
    address: '学府路与学府三道街交口',
    lon: 126.606639,
    lat: 45.709853,
  },
  /** 南岗区: 西大直街 under the 和兴路 flyover (和兴高架桥), a low point that floods in storms. */
  xidazhiHexing: {
    name: '西大直街和兴路桥下',
    district: '南岗区',
    address: '西大直街与和兴路交口桥下',
    lon: 126.609798,
    lat: 45.730869,
  },
  /** 南岗区: 西大直街 at 教化街, by 哈尔滨工业大学. */
  xidazhiJiaohua: {
    name: '西大直街与教化街交口',
    district: '南岗区',
    address: '西大直街与教化街交口',
    lon: 126.624612,
    lat: 45.745048,
  },
  /** 香坊区: 珠江路 at 中山路. */
  zhujiangZhongshan: {
    name: '珠江路与中山路交口',
    district: '香坊区',
    address: '珠江路与中山路交口',
    lon: 126.665388,
    lat: 45.733295,
  },
  /** 香坊区: 珠江路 at 红旗大街. */
  zhujiangHongqi: {
    name: '珠江路与红旗大街交口',
    district: '香坊区',
    address: '珠江路与红旗大街交口',
    lon: 126.686648,
    lat: 45.734595,
  },
} as const satisfies Record<string, Place>;

/**
 * Named landmarks (hospitals, schools, universities, offices) spread over central Harbin (道里, 南岗, 道外, 香坊,
 * south of the river), from the imported POIs. Each name, and each name followed by 附近, geocodes back to its
 * own point through the gateway's `locateReport`, so a report that names only the landmark is placed where it
 * should be. Landmarks whose names the gateway's address splitter cuts apart (brackets, or 和 inside the name, e.g.
 * 和美妇产医院) are left out. The `load` scenario names events after the nearest one.
 */
export const LOAD_ANCHORS: readonly { name: string; district: string; lon: number; lat: number }[] = [
  { name: '哈尔滨消防支队群力中队', district: '道里区', lon: 126.525006, lat: 45.699447 },
  { name: '群力派出所', district: '道里区', lon: 126.523914, lat: 45.706877 },
  { name: '哈尔滨轻工业学校', district: '道里区', lon: 126.526435, lat: 45.718498 },
  { name: '群力第二小学', district: '道里区', lon: 126.525453, lat: 45.727095 },
  { name: '哈尔滨市淞南学校', district: '道里区', lon: 126.522445, lat: 45.734932 },
  { name: '哈尔滨市东湖路学校', district: '道里区', lon: 126.540251, lat: 45.707851 },
  { name: '融江路小学', district: '道里区', lon: 126.535705, lat: 45.716854 },
  { name: '群力实验小学', district: '道里区', lon: 126.545574, lat: 45.738919 },
  { name: '继红小学·绥化路校区', district: '南岗区', lon: 126.568583, lat: 45.691276 },
  { name: '解放军九六二医院', district: '南岗区', lon: 126.604874, lat: 45.708261 },
  { name: '黑龙江职业学院', district: '南岗区', lon: 126.602923, lat: 45.71436 },
  { name: '哈尔滨市建文小学校', district: '南岗区', lon: 126.60191, lat: 45.724842 },
  { name: '哈尔滨妇产医院', district: '道里区', lon: 126.59822, lat: 45.745401 },
  { name: '哈尔滨市爱建学校', district: '道里区', lon: 126.601175, lat: 45.760538 },
  { name: '哈尔滨市教育局', district: '道里区', lon: 126.604199, lat: 45.772822 },
  { name: '哈尔滨医科大学附属第二医院', district: '南岗区', lon: 126.615398, lat: 45.693118 },
  { name: '黑龙江开放大学', district: '南岗区', lon: 126.613139, lat: 45.728979 },
  { name: '苏宁小学校', district: '南岗区', lon: 126.612581, lat: 45.736573 },
  { name: '华兴小学校', district: '南岗区', lon: 126.617241, lat: 45.746345 },
  { name: '公安医院', district: '道里区', lon: 126.618587, lat: 45.762819 },
  { name: '哈尔滨市经纬小学', district: '道里区', lon: 126.609332, lat: 45.765956 },
  { name: '哈尔滨市儿童医院', district: '道里区', lon: 126.618891, lat: 45.778313 },
  { name: '医大二院·科研所', district: '南岗区', lon: 126.621126, lat: 45.698663 },
  { name: '哈尔滨理工大学', district: '南岗区', lon: 126.628363, lat: 45.708808 },
  { name: '东北林业大学', district: '香坊区', lon: 126.628739, lat: 45.718627 },
  { name: '桥南小学', district: '南岗区', lon: 126.622819, lat: 45.736186 },
  { name: '哈尔滨工业大学', district: '南岗区', lon: 126.625563, lat: 45.741589 },
  { name: '哈医大四院', district: '南岗区', lon: 126.63044, lat: 45.759467 },
  { name: '夏氏骨伤科医院', district: '道里区', lon: 126.626498, lat: 45.765604 },
  { name: '哈尔滨市宝宇继红小学校', district: '道外区', lon: 126.626569, lat: 45.774711 },
  { name: '东北林业大学校医院', district: '香坊区', lon: 126.635151, lat: 45.717252 },
  { name: '黑龙江中医药大学附属第一医院', district: '香坊区', lon: 126.645472, lat: 45.726393 },
  { name: '文府中学', district: '香坊区', lon: 126.644382, lat: 45.733614 },
  { name: '黑龙江中德骨科医院', district: '南岗区', lon: 126.644996, lat: 45.73861 },
  { name: '黑龙江省实验中学', district: '南岗区', lon: 126.640074, lat: 45.747555 },
  { name: '中医大二院', district: '南岗区', lon: 126.635172, lat: 45.76202 },
  { name: '哈尔滨医科大学附属第一医院', district: '南岗区', lon: 126.642965, lat: 45.765417 },
  { name: '哈尔滨市伍连德小学校', district: '道外区', lon: 126.64533, lat: 45.776397 },
  { name: '哈尔滨市松江学校', district: '香坊区', lon: 126.658835, lat: 45.692428 },
  { name: '东方医院', district: '香坊区', lon: 126.658513, lat: 45.706261 },
  { name: '风华中学', district: '香坊区', lon: 126.655954, lat: 45.728295 },
  { name: '朝鲜小学', district: '香坊区', lon: 126.657544, lat: 45.733191 },
  { name: '空军医院', district: '南岗区', lon: 126.652682, lat: 45.743226 },
  { name: '神农中医院', district: '南岗区', lon: 126.64605, lat: 45.752464 },
  { name: '哈尔滨市北方人民医院', district: '南岗区', lon: 126.647866, lat: 45.764542 },
  { name: '哈尔滨市大方里学校', district: '道外区', lon: 126.652943, lat: 45.774223 },
  { name: '南市小学校', district: '道外区', lon: 126.654449, lat: 45.784029 },
  { name: '旭东中学', district: '香坊区', lon: 126.65955, lat: 45.700968 },
  { name: '民生大厦', district: '香坊区', lon: 126.664425, lat: 45.703852 },
  { name: '黑龙江省煤田设计院', district: '香坊区', lon: 126.666585, lat: 45.717756 },
  { name: '黑龙江省医院（香坊院区）', district: '香坊区', lon: 126.665941, lat: 45.727479 },
  { name: '广积德中医院', district: '香坊区', lon: 126.663975, lat: 45.73577 },
  { name: '省政府综合楼', district: '南岗区', lon: 126.662352, lat: 45.748813 },
  { name: '黑龙江省军区医院', district: '南岗区', lon: 126.666795, lat: 45.773566 },
  { name: '黑龙江省体育局', district: '南岗区', lon: 126.667338, lat: 45.778946 },
  { name: '星光医院', district: '香坊区', lon: 126.676619, lat: 45.705482 },
  { name: '哈尔滨市第三十九中学', district: '香坊区', lon: 126.676111, lat: 45.719858 },
  { name: '哈尔滨市司法局', district: '香坊区', lon: 126.673754, lat: 45.721755 },
  { name: '嵩山医院', district: '香坊区', lon: 126.682075, lat: 45.73634 },
  { name: '哈尔滨经济技术开发区管理大厦', district: '南岗区', lon: 126.682144, lat: 45.747146 },
  { name: '哈工大二校区医院', district: '南岗区', lon: 126.676834, lat: 45.758162 },
  { name: '南体育场', district: '南岗区', lon: 126.676537, lat: 45.770652 },
  { name: '哈尔滨工程大学', district: '南岗区', lon: 126.676483, lat: 45.77489 },
  { name: '黑龙江工程学院', district: '道外区', lon: 126.681893, lat: 45.783472 },
  { name: '汽轮小学', district: '香坊区', lon: 126.686524, lat: 45.692152 },
  { name: '通乡小学', district: '香坊区', lon: 126.689531, lat: 45.694985 },
  { name: '哈尔滨热电学校', district: '香坊区', lon: 126.695355, lat: 45.704249 },
  { name: '香坊区人民医院', district: '香坊区', lon: 126.694159, lat: 45.723599 },
  { name: '哈尔滨市传染病医院', district: '香坊区', lon: 126.693885, lat: 45.73026 },
  { name: '济康医院', district: '南岗区', lon: 126.687375, lat: 45.739946 },
  { name: '泰山小学', district: '道外区', lon: 126.691737, lat: 45.764983 },
  { name: '誉华医院', district: '道外区', lon: 126.688195, lat: 45.767072 },
  { name: '爱婴医院', district: '道外区', lon: 126.695246, lat: 45.774905 },
  { name: '民乐小学', district: '道外区', lon: 126.692486, lat: 45.783702 },
  { name: '哈铁党校', district: '香坊区', lon: 126.700606, lat: 45.716169 },
  { name: '香明小学', district: '香坊区', lon: 126.700074, lat: 45.728507 },
  { name: '建成医院', district: '香坊区', lon: 126.698527, lat: 45.735768 },
  { name: '黑龙江省社会康复医院', district: '香坊区', lon: 126.705558, lat: 45.743103 },
  { name: '虹桥中学', district: '南岗区', lon: 126.699865, lat: 45.755316 },
  { name: '淮河小学', district: '道外区', lon: 126.703572, lat: 45.762434 },
  { name: '哈尔滨市第八十七中学', district: '道外区', lon: 126.698428, lat: 45.770138 },
  { name: '南直中学', district: '道外区', lon: 126.698789, lat: 45.77702 },
  { name: '仁芯医院', district: '道外区', lon: 126.700676, lat: 45.783734 },
  { name: '三棵小学', district: '道外区', lon: 126.698425, lat: 45.793822 },
  { name: '哈尔滨林区法院', district: '香坊区', lon: 126.714903, lat: 45.72859 },
  { name: '会展中学', district: '南岗区', lon: 126.711198, lat: 45.745663 },
];

/**
 * The Songhua's south bank through the city (lon, lat), every 0.01° of longitude, from the river polygon of the
 * imported data. Points north of it (less a margin) are in the river or on the north shore.
 */
const SOUTH_BANK: readonly [number, number][] = [
  [126.51, 45.7696],
  [126.52, 45.7693],
  [126.53, 45.7605],
  [126.54, 45.7561],
  [126.55, 45.7547],
  [126.56, 45.7529],
  [126.57, 45.753],
  [126.58, 45.7568],
  [126.59, 45.7654],
  [126.6, 45.7755],
  [126.61, 45.7789],
  [126.62, 45.7824],
  [126.63, 45.7856],
  [126.64, 45.7924],
  [126.65, 45.7961],
  [126.66, 45.798],
  [126.67, 45.8009],
  [126.68, 45.8042],
  [126.69, 45.809],
  [126.7, 45.8151],
  [126.71, 45.8238],
];

/** Latitude margin kept from the bank (about 60 m). */
const BANK_MARGIN_DEG = 0.00055;

/** True when a point of central Harbin lies on the city side of the Songhua (between 126.51° and 126.71° E). */
export function southOfRiver(lon: number, lat: number): boolean {
  const first = SOUTH_BANK[0]!;
  const last = SOUTH_BANK[SOUTH_BANK.length - 1]!;
  if (lon <= first[0]) return lat < first[1] - BANK_MARGIN_DEG;
  if (lon >= last[0]) return lat < last[1] - BANK_MARGIN_DEG;
  for (let i = 1; i < SOUTH_BANK.length; i++) {
    const [x1, y1] = SOUTH_BANK[i]!;
    if (lon <= x1) {
      const [x0, y0] = SOUTH_BANK[i - 1]!;
      const bank = y0 + ((lon - x0) / (x1 - x0)) * (y1 - y0);
      return lat < bank - BANK_MARGIN_DEG;
    }
  }
  return false;
}
