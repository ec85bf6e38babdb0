import type { ModeProfile } from '../../../contracts/incidents';
import { WALL_LAYER_LABELS, WALL_LAYERS, WALL_PANELS, type WallLayerId, type WallPanelId } from './mode-view';

/**
 * What switching the system mode changes, read from the two mode profiles (data/modes.json, `GET /api/mode`), in the
 * words the mode dialog shows before a leader confirms; and the dialog's own check of the reason. Pure.
 */

export const WALL_PANEL_LABELS: Record<WallPanelId, string> = {
  kpis: '关键指标',
  queue: '警情队列',
  gauges: '水位站',
  receipts: '命令回执',
  responses: '应急响应',
  duty: '值班',
  sirens: '防空警报',
};

const NON_URGENT_LABELS: Record<ModeProfile['nonUrgentCases'], string> = {
  normal: '非紧急案件照常计时',
  auto_extend: '非紧急案件自动延期',
  frozen: '非紧急案件暂停计时',
};

export interface ModePreview {
  layersOn: string[];
  layersOff: string[];
  panelsOn: string[];
  panelsOff: string[];
  /** Each a line in words; `changed` when it differs from the current mode. */
  rows: { id: 'clocks' | 'cases' | 'receipts' | 'conference'; label: string; text: string; changed: boolean }[];
}

const seconds = (s: number) => (s % 60 === 0 ? `${s / 60} 分钟` : `${s} 秒`);

export function receiptsText(r: ModeProfile['receipts']): string {
  if (!r) return '不计命令回执时限';
  return `回执时限：力量 ${seconds(r.unitSeconds)}，部门 ${seconds(r.departmentSeconds)}，任务 ${seconds(r.taskSeconds)}`;
}

export function conferenceText(c: ModeProfile['standingConference']): string {
  return c ? `召开常设会商「${c.title}」` : '无常设会商';
}

const knownLayers = (p: ModeProfile | null) => WALL_LAYERS.filter((id) => p?.defaultLayers.includes(id)) as WallLayerId[];
const knownPanels = (p: ModeProfile | null) => WALL_PANELS.filter((id) => p?.panels.includes(id)) as WallPanelId[];

/** The changes from the current profile (null: not known) to the target one. */
export function modePreview(from: ModeProfile | null, to: ModeProfile): ModePreview {
  const [l0, l1] = [knownLayers(from), knownLayers(to)];
  const [p0, p1] = [knownPanels(from), knownPanels(to)];
  const row = (id: ModePreview['rows'][number]['id'], label: string, text: (p: ModeProfile) => string) => ({
    id,
    label,
    text: text(to),
    changed: !from || text(from) !== text(to),
  });
  return {
    layersOn: l1.filter((id) => !l0.includes(id)).map((id) => WALL_LAYER_LABELS[id]),
    layersOff: l0.filter((id) => !l1.includes(id)).map((id) => WALL_LAYER_LABELS[id]),
    panelsOn: p1.filter((id) => !p0.includes(id)).map((id) => WALL_PANEL_LABELS[id]),
    panelsOff: p0.filter((id) => !p1.includes(id)).map((id) => WALL_PANEL_LABELS[id]),
    rows: [
      row('clocks', '计时', (p) => p.clocks),
      row('cases', '案件时限', (p) => NON_URGENT_LABELS[p.nonUrgentCases]),
      row('receipts', '回执', (p) => receiptsText(p.receipts ?? null)),
      row('conference', '会商', (p) => conferenceText(p.standingConference ?? null)),
    ],
  };
}

/** Minutes within which a second leader must confirm the switch, or null when the switch takes effect at once. */
export function secondLeaderMinutes(to: ModeProfile | null, drill: boolean): number | null {
  const rule = to?.switchConfirmation;
  if (!rule || (drill && rule.exceptDrill)) return null;
  return rule.withinMinutes;
}

export const REASON_MIN = 2;
export const REASON_MAX = 300;

/** The reason's problem in words, or null when it will be accepted (the gateway's rule, modeChangeInput: 2–300 characters once trimmed). */
export function reasonProblem(reason: string): string | null {
  const n = reason.trim().length;
  if (n === 0) return '请填写切换原因';
  if (n < REASON_MIN) return `切换原因至少 ${REASON_MIN} 个字`;
  if (n > REASON_MAX) return `切换原因不能超过 ${REASON_MAX} 个字（现有 ${n} 个）`;
  return null;
}
