import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModeProfile } from '../../contracts/incidents';
import { modePreview, reasonProblem, receiptsText, secondLeaderMinutes } from '../../web/src/wall/mode-preview';

const base: ModeProfile = {
  id: 'daily',
  label: '平时管理',
  defaultLayers: ['grid', 'incidents', 'units'],
  panels: ['queue', 'kpis', 'duty'],
  priorityBoost: {},
  alertPriority: 8,
  alertSound: { pattern: 'two-tone', frequencyHz: 880, onMs: 250, offMs: 150, repeats: 3 },
  clocks: '按工作日历计算案件时限',
  dispatchRule: '按类别和网格派遣到责任部门',
  nonUrgentCases: 'normal',
  accent: '#2f7d4f',
  switchConfirmation: null,
  receipts: null,
  standingConference: null,
};
const war: ModeProfile = {
  ...base,
  id: 'wartime',
  label: '战时指挥',
  defaultLayers: ['incidents', 'units', 'sirens', 'shelters', 'future_layer'],
  panels: ['queue', 'kpis', 'sirens', 'receipts', 'detail'],
  clocks: '命令与回执计时',
  nonUrgentCases: 'frozen',
  switchConfirmation: { withinMinutes: 10, exceptDrill: true },
  receipts: { unitSeconds: 60, departmentSeconds: 300, taskSeconds: 90 },
  standingConference: { title: '市人民防空指挥部常设会商', members: { departments: [], roles: ['leader'], usernames: [] } },
};

describe('what a mode switch changes', () => {
  it('lists layers and panels shown and hidden by their Chinese names, leaving out ids the wall does not draw', () => {
    const p = modePreview(base, war);
    expect(p.layersOn).toEqual(['防空警报器', '避难场所']);
    expect(p.layersOff).toEqual(['单元网格']);
    expect(p.panelsOn).toEqual(['命令回执', '防空警报']);
    expect(p.panelsOff).toEqual(['值班']);
  });

  it('says the clocks, case deadlines, receipts and standing conference of the new mode, marking what changes', () => {
    expect(modePreview(base, war).rows).toEqual([
      { id: 'clocks', label: '计时', text: '命令与回执计时', changed: true },
      { id: 'cases', label: '案件时限', text: '非紧急案件暂停计时', changed: true },
      { id: 'receipts', label: '回执', text: '回执时限：力量 1 分钟，部门 5 分钟，任务 90 秒', changed: true },
      { id: 'conference', label: '会商', text: '召开常设会商「市人民防空指挥部常设会商」', changed: true },
    ]);
    const back = modePreview(war, { ...base, clocks: war.clocks });
    expect(back.rows.map((r) => [r.id, r.text, r.changed])).toEqual([
      ['clocks', '命令与回执计时', false],
      ['cases', '非紧急案件照常计时', true],
      ['receipts', '不计命令回执时限', true],
      ['conference', '无常设会商', true],
    ]);
  });

  it('treats an unknown current mode as a change of everything the new one shows', () => {
    const p = modePreview(null, base);
    expect(p.layersOn).toEqual(['单元网格', '警情', '处置力量']);
    expect(p.layersOff).toEqual([]);
    expect(p.rows.every((r) => r.changed)).toBe(true);
  });

  it('reads the real profiles: daily to wartime brings the sirens and shelters and the standing conference', () => {
    const file = JSON.parse(readFileSync(path.resolve(__dirname, '../../data/modes.json'), 'utf8')) as {
      profiles: ModeProfile[];
    };
    const [daily, wartime] = (['daily', 'wartime'] as const).map((id) => file.profiles.find((p) => p.id === id)!);
    const p = modePreview(daily!, wartime!);
    expect(p.layersOn).toEqual(expect.arrayContaining(['防空警报器', '避难场所']));
    expect(p.panelsOn).toEqual(expect.arrayContaining(['防空警报', '命令回执']));
    expect(p.rows.find((r) => r.id === 'conference')!.text).toMatch(/^召开常设会商「.+」$/);
  });
});

describe('the second leader', () => {
  it('is needed for a real switch to a mode with a confirmation rule, not for its drill nor for other modes', () => {
    expect(secondLeaderMinutes(war, false)).toBe(10);
    expect(secondLeaderMinutes(war, true)).toBeNull();
    expect(secondLeaderMinutes({ ...war, switchConfirmation: { withinMinutes: 5, exceptDrill: false } }, true)).toBe(5);
    expect(secondLeaderMinutes(base, false)).toBeNull();
    expect(secondLeaderMinutes(null, false)).toBeNull();
  });
});

describe('the reason', () => {
  it('is checked in Chinese with the gateway’s limits (2–300 characters once trimmed)', () => {
    expect(reasonProblem('')).toBe('请填写切换原因');
    expect(reasonProblem('   ')).toBe('请填写切换原因');
    expect(reasonProblem(' 演 ')).toBe('切换原因至少 2 个字');
    expect(reasonProblem('演练')).toBeNull();
    expect(reasonProblem('水'.repeat(300))).toBeNull();
    expect(reasonProblem('水'.repeat(301))).toBe('切换原因不能超过 300 个字（现有 301 个）');
  });

  it('formats receipt limits in minutes or seconds', () => {
    expect(receiptsText({ unitSeconds: 120, departmentSeconds: 900, taskSeconds: 45 })).toBe(
      '回执时限：力量 2 分钟，部门 15 分钟，任务 45 秒',
    );
  });
});
