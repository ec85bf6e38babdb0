import {
  CASE_EVENTS,
  CASE_STATES,
  CASE_TRANSITIONS,
  reportCaseInput,
  type CaseEvent,
  type CategoryTreeResponse,
} from '../../contracts/cases';
import { flattenCategories } from '../../web/src/cases/categories';
import { searchCategories } from '../../web/src/cases/category-search';
import { EVENT_FORMS, eventsOfRole, offeredEvents } from '../../web/src/cases/events';
import { evaluationPeriod, heatColor } from '../../web/src/evaluation/period';
import { remainingErrors, validateDraft, type ReportDraft } from '../../web/src/inspector/validation';

/** The report form's checks, the category search, which actions a role is offered, evaluation periods. */

const jpeg = (bytes = 3, type = 'image/jpeg') => new Blob([new Uint8Array(bytes)], { type });
const good: ReportDraft = {
  categoryCode: 'BJ0101',
  description: '井盖缺失',
  position: { lon: 126.63, lat: 45.75 },
  photos: [jpeg()],
};

describe('report form validation', () => {
  it('accepts a complete report', () => {
    expect(validateDraft(good)).toEqual({});
  });

  it('names each missing or wrong field', () => {
    expect(validateDraft({ categoryCode: null, description: ' x ', position: null, photos: [] })).toEqual({
      category: '请选择案件类别（小类）',
      description: '请描述问题（至少 2 个字）',
      position: '请定位或在地图上点选位置',
      photos: '请至少拍一张现场照片',
    });
  });

  it('refuses a position outside Harbin, a bad code, too many or non-image photos', () => {
    expect(validateDraft({ ...good, position: { lon: 116.4, lat: 39.9 } }).position).toMatch(/不在哈尔滨/);
    expect(validateDraft({ ...good, position: { lon: Number.NaN, lat: 45.7 } }).position).toMatch(/不在哈尔滨/);
    expect(validateDraft({ ...good, categoryCode: 'bj-01' }).category).toMatch(/无效/);
    expect(validateDraft({ ...good, photos: Array.from({ length: 10 }, () => jpeg()) }).photos).toMatch(/最多 9 张/);
    expect(validateDraft({ ...good, photos: [jpeg(3, 'application/pdf')] }).photos).toMatch(/只能上传图片/);
    expect(validateDraft({ ...good, photos: [jpeg(10 * 1024 * 1024 + 1)] }).photos).toMatch(/10 MB/);
    expect(validateDraft({ ...good, description: '长'.repeat(2001) }).description).toMatch(/2000/);
  });
});

describe('errors while the inspector corrects the form', () => {
  const empty: ReportDraft = { categoryCode: null, description: '', position: null, photos: [] };
  const tried = validateDraft(empty);

  it('drops a field’s error as soon as the field is right, keeping the others', () => {
    const described = remainingErrors(tried, validateDraft({ ...empty, description: '井盖缺失' }));
    expect(Object.keys(described).sort()).toEqual(['category', 'photos', 'position']);
    expect(remainingErrors(tried, validateDraft(good))).toEqual({});
  });

  it('shows no new error before the next 上报, and a still-wrong field in its current words', () => {
    expect(remainingErrors({}, validateDraft(empty))).toEqual({});
    const outside = remainingErrors(
      { position: tried.position! },
      validateDraft({ ...good, position: { lon: 116.4, lat: 39.9 } }),
    );
    expect(outside.position).toMatch(/不在哈尔滨/);
  });

  it('counts photos already uploaded for a corrected report', () => {
    expect(validateDraft({ ...good, photos: [], photoIds: [7] }).photos).toBeUndefined();
    expect(validateDraft({ ...good, photos: [jpeg()], photoIds: [1, 2, 3, 4, 5, 6, 7, 8, 9] }).photos).toMatch(/最多 9 张/);
  });
});

describe('the report form and the report request agree', () => {
  const request = (categoryCode: string, description: string, photos: number) =>
    reportCaseInput.safeParse({
      idempotencyKey: 'k-12345678',
      categoryCode,
      description,
      lon: 126.63,
      lat: 45.75,
      photoIds: Array.from({ length: photos }, (_, i) => i + 1),
    }).success;
  const form = (categoryCode: string, description: string, photos: number) =>
    Object.keys(validateDraft({ ...good, categoryCode, description, photos: Array.from({ length: photos }, () => jpeg()) }))
      .length === 0;
  const cases: [string, string, number][] = [
    ['BJ0101', '井盖缺失', 1],
    ['SJ01020304', '井盖缺失', 1],
    ['ABCDE0101', '井盖缺失', 1],
    ['BJ01', '井盖缺失', 1],
    ['bj0101', '井盖缺失', 1],
    ['BJ0101', ' 缺 ', 1],
    ['BJ0101', ' 缺失 ', 1],
    ['BJ0101', '长'.repeat(2000), 1],
    ['BJ0101', '长'.repeat(2001), 1],
    ['BJ0101', '井盖缺失', 9],
    ['BJ0101', '井盖缺失', 10],
  ];
  it.each(cases)('%s, a description of %#, %i photos: accepted by both or refused by both', (code, text, photos) => {
    expect(form(code, text, photos)).toBe(request(code, text, photos));
  });
});

describe('category search', () => {
  const minor = (code: string, name: string) => ({
    code,
    standardCode: code.slice(2),
    majorCode: code.slice(0, 4),
    kind: code.startsWith('BJ') ? ('component' as const) : ('event' as const),
    name,
    departmentKind: 'urban_mgmt',
    departmentName: '城管',
    filingStandard: '',
    timeLimit: { amount: 4, unit: 'working_hours' as const },
    urgentTimeLimit: null,
    additionalLimits: [],
    closingStandard: '',
    local: false,
  });
  const tree: CategoryTreeResponse = {
    version: '1',
    standardRef: 'GB/T 30428.2-2013',
    codeWidths: { major: 2, minor: 2 },
    prefixes: { component: 'BJ', event: 'SJ' },
    component: [
      { code: 'BJ01', kind: 'component', name: '公用设施', minors: [minor('BJ0101', '上水井盖'), minor('BJ0102', '污水井盖')] },
    ],
    event: [
      { code: 'SJ01', kind: 'event', name: '市容环境', minors: [minor('SJ0102', '暴露垃圾'), minor('SJ0103', '井盖周边垃圾')] },
    ],
  };
  const all = flattenCategories(tree);

  it('flattens 部件 then 事件 with the 大类 name', () => {
    expect(all.map((c) => c.code)).toEqual(['BJ0101', 'BJ0102', 'SJ0102', 'SJ0103']);
    expect(all[2]!.majorName).toBe('市容环境');
  });

  it('finds by part of the name, 大类 name or code; names starting with the text first', () => {
    expect(searchCategories(all, '井盖').map((c) => c.code)).toEqual(['SJ0103', 'BJ0101', 'BJ0102']);
    expect(searchCategories(all, '垃圾').map((c) => c.code)).toEqual(['SJ0102', 'SJ0103']);
    expect(searchCategories(all, '公用').map((c) => c.code)).toEqual(['BJ0101', 'BJ0102']);
    expect(searchCategories(all, 'sj0102').map((c) => c.code)).toEqual(['SJ0102']);
    expect(searchCategories(all, '市容 井盖').map((c) => c.code)).toEqual(['SJ0103']);
    expect(searchCategories(all, '路灯')).toEqual([]);
    expect(searchCategories(all, '  ')).toHaveLength(4);
  });
});

describe('actions offered to a role', () => {
  const everything = () => true;

  it('offers only events the server allows, the table gives the role, and the session may perform', () => {
    const detail = { state: 'dispatched' as const, allowedEvents: ['take', 'return', 'redispatch', 'supervise'] as CaseEvent[] };
    expect(offeredEvents(detail, 'handler', everything)).toEqual(['take', 'return']);
    expect(offeredEvents(detail, 'dispatcher', everything)).toEqual(['redispatch', 'supervise']);
    expect(offeredEvents(detail, 'leader', everything)).toEqual(['supervise']);
    expect(offeredEvents(detail, 'dispatcher', (a) => a !== 'case.supervise')).toEqual(['redispatch']);
    expect(offeredEvents({ state: 'dispatched', allowedEvents: ['close'] }, 'dispatcher', everything)).toEqual([]);
  });

  it('the inspector acts on 核实 and 核查 only', () => {
    const byState = CASE_STATES.flatMap((s) => eventsOfRole(s, 'inspector').map((e) => `${s}:${e}`));
    expect(byState.sort()).toEqual(['checking:check', 'verifying:verify']);
  });

  it('every event has a form, and events needing a reason or photo get one', () => {
    for (const e of CASE_EVENTS) expect(EVENT_FORMS[e]).toBeDefined();
    for (const row of Object.values(CASE_TRANSITIONS))
      for (const [e, t] of Object.entries(row) as [CaseEvent, { guards: readonly string[] }][]) {
        if (t.guards.includes('reason_required')) expect(['reason', 'extension']).toContain(EVENT_FORMS[e]);
        if (t.guards.includes('after_photo')) expect(EVENT_FORMS[e]).toBe('photo');
        if (t.guards.includes('check_photo')) expect(EVENT_FORMS[e]).toBe('check');
      }
  });
});

describe('evaluation periods', () => {
  it('uses Harbin dates (UTC+8) with an exclusive end', () => {
    // 2026-11-30 20:00 UTC is already 1 December in Harbin.
    const lateNov = new Date('2026-11-30T20:00:00Z');
    expect(evaluationPeriod('this_month', lateNov)).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(evaluationPeriod('last_month', lateNov)).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    const jan = new Date('2026-01-15T04:00:00Z');
    expect(evaluationPeriod('last_month', jan)).toEqual({ from: '2025-12-01', to: '2026-01-01' });
    expect(evaluationPeriod('this_quarter', new Date('2026-08-15T04:00:00Z'))).toEqual({ from: '2026-07-01', to: '2026-10-01' });
    expect(evaluationPeriod('this_year', jan)).toEqual({ from: '2026-01-01', to: '2027-01-01' });
    expect(evaluationPeriod('last_7_days', new Date('2026-03-02T04:00:00Z'))).toEqual({ from: '2026-02-24', to: '2026-03-03' });
  });

  it('heat colours run from light to dark and clamp', () => {
    expect(heatColor(0)).toBe('rgb(255,237,160)');
    expect(heatColor(1)).toBe('rgb(189,0,38)');
    expect(heatColor(2)).toBe(heatColor(1));
  });
});
