import { z } from 'zod';
import type { IncidentCategory } from '../../../contracts/incidents';
import type { FeedAdapter } from '../adapter';
import {
  type AdapterProfile,
  type CodeEntry,
  countFromString,
  lookup,
  oneLine,
  optionalText,
  readPoint,
  recordId,
  resolveLocation,
  tableChoices,
  text,
} from './fields';
import { parseBeijingCompact } from './time';

/**
 * 公安 110 接处警 (the police 警综平台's 接警单). Records are exported from an Oracle-backed system: uppercase
 * pinyin-initial column names and every value as text, including numbers and coordinates. Times are
 * `yyyyMMddHHmmss` in Beijing time. Coordinates, when present, are GCJ-02 from the caller's phone map (AML/高德
 * location); many calls carry only the address the call-taker typed.
 */

/** 警情类别 (JQLB): two-digit class + two-digit subclass. */
export const POLICE110_CODES = {
  '0101': { label: '刑事警情-抢劫', category: 'crime' },
  '0102': { label: '刑事警情-盗窃', category: 'crime' },
  '0103': { label: '刑事警情-故意伤害', category: 'crime' },
  '0201': { label: '治安警情-打架斗殴', category: 'public_order' },
  '0202': { label: '治安警情-聚众扰序', category: 'public_order' },
  '0301': { label: '交通警情-交通事故', category: 'traffic_crash' },
  '0302': { label: '交通警情-交通堵塞', category: 'congestion' },
  '0401': { label: '火灾警情-火灾', category: 'fire' },
  '0402': { label: '火灾警情-爆炸', category: 'explosion' },
  '0501': { label: '求助警情-急病求助', category: 'medical' },
  '0502': { label: '求助警情-受伤求助', category: 'injury' },
  '0601': { label: '灾害事故-积水内涝', category: 'waterlogging' },
  '0901': { label: '其他警情', category: 'other' },
} as const satisfies Record<string, CodeEntry>;

/** 警情等级 (JQDJ) 1–4, 1 highest → common priority. */
export const POLICE110_PRIORITY = { '1': 9, '2': 7, '3': 5, '4': 3 } as const satisfies Record<string, number>;

export const police110Schema = z.object({
  /** 接警单编号. */
  JJDBH: recordId,
  /** 报警时间, yyyyMMddHHmmss Beijing time. */
  BJSJ: z.string(),
  /** 警情类别 code. */
  JQLB: z.string(),
  /** 警情等级 "1"–"4". */
  JQDJ: z.string(),
  /** 报警内容 as the call-taker wrote it. */
  BJNR: optionalText(4000),
  /** 发案地址. */
  FADZ: optionalText(400),
  /** GCJ-02 longitude / latitude as text (checked by the adapter: bad values are `bad_coordinates`). */
  GCJ02_JD: z.unknown().optional(),
  GCJ02_WD: z.unknown().optional(),
  /** 报警人电话, masked by the 110 platform before export (e.g. 139****5678); not passed on. */
  BJRDH: z
    .string()
    .regex(/^[\d*]{3,20}$/, '应为（脱敏的）电话号码，只含数字和 *')
    .nullish(),
  /** 伤亡人数 as text. */
  SSRS: z.string().nullish(),
});
export type Police110Native = z.infer<typeof police110Schema>;

export const police110Adapter: FeedAdapter<Police110Native> = {
  source: '110',
  system: '公安 110 接处警系统（警综平台接警单）',
  schema: police110Schema,
  normalise(n) {
    const code: CodeEntry = lookup(POLICE110_CODES, n.JQLB, 'JQLB 警情类别');
    const priority = lookup(POLICE110_PRIORITY, n.JQDJ, 'JQDJ 警情等级');
    const reportedAt = parseBeijingCompact(n.BJSJ, 'BJSJ 报警时间');
    const point = readPoint(
      { value: n.GCJ02_JD, field: 'GCJ02_JD' },
      { value: n.GCJ02_WD, field: 'GCJ02_WD' },
      'gcj02',
      'string',
    );
    const address = text(n.FADZ);
    const description = text(n.BJNR);
    return {
      source: '110',
      sourceId: n.JJDBH,
      category: code.category,
      priority,
      nativePriority: n.JQDJ,
      title: oneLine(code.label, address ?? description?.split('\n')[0]),
      description,
      reportedAt,
      ...resolveLocation(point, 'gcj02', address, 'GCJ02_JD/GCJ02_WD, FADZ'),
      casualties: countFromString(n.SSRS, 'SSRS 伤亡人数'),
    };
  },
};

export const police110Profile: AdapterProfile = {
  codes: POLICE110_CODES,
  priorityChoices: (_category: IncidentCategory) => tableChoices(POLICE110_PRIORITY),
};
