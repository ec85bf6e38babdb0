import { existsSync, readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { INCIDENT_CATEGORY_LABELS, INCIDENT_STATE_LABELS, type IncidentCategory, type IncidentState } from '../../contracts/incidents';
import { AREA_KIND_LABELS, FIGURE_LABELS, type SituationFigures, type SituationReport } from '../../contracts/reports';
import { AppError } from '../http/errors';

/** Debian's Noto Sans CJK (package fonts-noto-cjk); the simplified-Chinese face of the collection is embedded. */
export const CJK_FONT_FILE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const CJK_FACE = 'NotoSansCJKsc-Regular';

/**
 * The parsed font, shared by every document. pdfkit parses a font file for each document it is registered with, and
 * the parsed font (fontkit's) keeps what layout has read of the Chinese font's big substitution and positioning
 * tables: with one per document every report paid for reading them again (seconds). pdfkit takes an already parsed
 * font in place of a file — anything with `layout()` — so the first document's is kept and handed to the next.
 */
type ParsedFont = { layout: (...args: never[]) => unknown };
let parsed: ParsedFont | null = null;

function useCjkFont(doc: PDFKit.PDFDocument): void {
  if (parsed) {
    doc.registerFont('cjk', parsed as unknown as Buffer);
    doc.font('cjk');
    return;
  }
  if (!existsSync(CJK_FONT_FILE)) {
    throw new AppError('unavailable', `无法生成 PDF：缺少中文字体 ${CJK_FONT_FILE}（请安装 Debian 软件包 fonts-noto-cjk）`);
  }
  doc.registerFont('cjk', readFileSync(CJK_FONT_FILE), CJK_FACE);
  doc.font('cjk');
  const embedded = (doc as unknown as { _font?: { font?: ParsedFont } })._font?.font;
  if (typeof embedded?.layout === 'function') parsed = embedded;
}

const TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const beijing = (iso: string) => TIME.format(new Date(iso));
const LEVEL_LABELS: Record<string, string> = { I: 'Ⅰ级', II: 'Ⅱ级', III: 'Ⅲ级', IV: 'Ⅳ级' };
const categoryLabel = (c: string) => INCIDENT_CATEGORY_LABELS[c as IncidentCategory] ?? c;
const stateLabel = (s: string) => INCIDENT_STATE_LABELS[s as IncidentState] ?? s;

/**
 * Text is placed without pdfkit's line wrapper (no `width`): the wrapper lays out every break opportunity — each
 * Chinese character is one — which made the city's report take seconds. Cells are cut to fit by an estimate (a
 * Chinese character is one em, others about half), and centred lines are measured once.
 */
function fit(text: string, width: number, size: number): string {
  let w = 0;
  let out = '';
  for (const ch of text) {
    w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? size : size * 0.56;
    if (w > width) return `${out}…`;
    out += ch;
  }
  return out;
}

function put(doc: PDFKit.PDFDocument, text: string, x: number, y: number): void {
  doc.text(text, x, y, { lineBreak: false });
}

function centred(doc: PDFKit.PDFDocument, text: string, y: number): void {
  put(doc, text, (doc.page.width - doc.widthOfString(text)) / 2, y);
}

const FIGURE_KEYS = Object.keys(FIGURE_LABELS) as (keyof SituationFigures)[];
/** Column heads of the table of rows (the page is narrow). */
const SHORT_LABELS: Record<keyof SituationFigures, string> = {
  incidentsOpen: '在办警情',
  incidents24h: '24h新增',
  casesOpen: '在办案件',
  casesOverdue: '超时案件',
  units: '在位力量',
  unitsBusy: '执行任务',
  gaugesOverWarning: '超警戒站',
  responsesActive: '应急响应',
};
const MARGIN = 40;

/** A table drawn row by row, breaking onto a new page (with its header again) when the page is full. */
function table(doc: PDFKit.PDFDocument, headers: string[], widths: number[], rows: string[][], size = 8.5): void {
  const line = size + 7;
  const draw = (cells: string[], header: boolean) => {
    if (doc.y + line > doc.page.height - MARGIN) {
      doc.addPage();
      if (!header) draw(headers, true);
    }
    const y = doc.y;
    if (header) doc.rect(MARGIN, y - 2, widths.reduce((a, b) => a + b, 0), line).fill('#e8edf2');
    let x = MARGIN;
    doc.fillColor('#1d2733').fontSize(size);
    cells.forEach((c, i) => {
      put(doc, fit(c, widths[i]! - 6, size), x + 3, y + 1);
      x += widths[i]!;
    });
    doc.moveTo(MARGIN, y + line - 2).lineTo(x, y + line - 2).lineWidth(0.3).strokeColor('#c5ced8').stroke();
    doc.x = MARGIN;
    doc.y = y + line;
  };
  draw(headers, true);
  for (const r of rows) draw(r, false);
  doc.moveDown(0.6);
}

function note(doc: PDFKit.PDFDocument, text: string): void {
  doc.fontSize(9.5).fillColor('#34495e');
  put(doc, text, MARGIN, doc.y);
  doc.x = MARGIN;
  doc.y += 20;
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y + 60 > doc.page.height - MARGIN) doc.addPage();
  doc.fillColor('#12324f').fontSize(12);
  put(doc, text, MARGIN, doc.y + 6);
  doc.x = MARGIN;
  doc.y += 22;
}

/** Parses the font ahead of the first report (a blank document), so the first request does not pay for it. */
export function warmPdfFont(): Promise<void> {
  if (parsed || !existsSync(CJK_FONT_FILE)) return Promise.resolve();
  const doc = new PDFDocument({ size: 'A4' });
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.on('data', () => undefined);
  useCjkFont(doc);
  doc.text('哈尔滨市态势报告 0123456789', MARGIN, MARGIN, { lineBreak: false });
  doc.end();
  return done;
}

/**
 * 态势报告（值班快报） as a PDF (pdfkit, Chinese text in the embedded Noto Sans CJK subset): title, figures, the
 * area's map, the rows below the area, active responses, gauges and the most urgent incidents.
 */
export function situationPdf(report: SituationReport, mapPng: Buffer): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `哈尔滨市态势报告 ${report.area.name}`, Author: '哈尔滨市城市运行应急指挥平台', Subject: '态势报告（值班快报）' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  useCjkFont(doc);
  const width = doc.page.width - 2 * MARGIN;

  const place = [...report.parents.map((p) => p.name), report.area.name].filter((n, i) => i === 0 || n !== '哈尔滨市');
  doc.fillColor('#12324f').fontSize(18);
  centred(doc, '哈尔滨市城市运行态势报告（值班快报）', MARGIN);
  doc.fontSize(11).fillColor('#34495e');
  centred(doc, `范围：${place.join(' / ')}（${AREA_KIND_LABELS[report.area.kind]}）    生成时间：${beijing(report.generatedAt)}（北京时间）`, MARGIN + 28);
  doc.y = MARGIN + 46;
  const drills = report.responses.filter((r) => r.drill).length;
  if (drills) {
    doc.fillColor('#b9770e');
    centred(doc, `其中 ${drills} 项应急响应为演练`, doc.y);
    doc.y += 16;
  }
  doc.y += 8;

  heading(doc, '一、总体情况');
  const t = report.totals;
  const colW = width / 4;
  const top = doc.y;
  FIGURE_KEYS.forEach((k, i) => {
    const x = MARGIN + (i % 4) * colW;
    const y = top + Math.floor(i / 4) * 44;
    doc.rect(x + 2, y, colW - 4, 40).fill(k === 'casesOverdue' || k === 'gaugesOverWarning' ? '#fdf2e9' : '#eef3f8');
    doc.fillColor('#5d6d7e').fontSize(8.5);
    put(doc, FIGURE_LABELS[k], x + 8, y + 5);
    doc.fillColor('#12324f').fontSize(16);
    put(doc, String(t[k]), x + 8, y + 17);
  });
  doc.x = MARGIN;
  doc.y = top + 2 * 44 + 6;

  heading(doc, '二、态势图');
  const mapH = (width * 2) / 3;
  if (doc.y + mapH > doc.page.height - MARGIN) doc.addPage();
  doc.image(mapPng, MARGIN, doc.y, { width, height: mapH });
  doc.y += mapH + 8;

  heading(doc, `三、分${AREA_KIND_LABELS[report.children[0]?.kind ?? 'district']}统计`);
  const nameW = 92;
  const figW = (width - nameW) / FIGURE_KEYS.length;
  table(
    doc,
    ['名称', ...FIGURE_KEYS.map((k) => SHORT_LABELS[k])],
    [nameW, ...FIGURE_KEYS.map(() => figW)],
    report.children.map((c) => [c.name, ...FIGURE_KEYS.map((k) => String(c.figures[k]))]),
    7.5,
  );

  heading(doc, '四、启动中的应急响应');
  if (report.responses.length) {
    table(
      doc,
      ['预案', '级别', '启动时间', '关联警情', '备注'],
      [200, 50, 120, 60, width - 430],
      report.responses.map((r) => [r.planTitle, LEVEL_LABELS[r.level] ?? r.level, beijing(r.startedAt), String(r.incidents), r.drill ? '演练' : '']),
    );
  } else note(doc, '无');

  heading(doc, '五、水位站');
  if (report.gauges.length) {
    table(
      doc,
      ['站名', '河流', '水位（米）', '警戒水位（米）', '观测时间', '状态'],
      [80, 70, 80, 90, 120, width - 440],
      report.gauges.map((g) => [
        g.name,
        g.river,
        g.waterLevelM === null ? '—' : g.waterLevelM.toFixed(2),
        g.warningLevelM === null ? '—' : g.warningLevelM.toFixed(2),
        beijing(g.at),
        g.overWarning ? '超警戒' : '正常',
      ]),
    );
  } else note(doc, '区域内暂无水位站读数');

  heading(doc, '六、重点警情（按优先级）');
  if (report.incidents.length) {
    table(
      doc,
      ['编号', '警情', '类别', '优先级', '状态', '位置', '首报时间'],
      [40, 150, 60, 40, 50, 90, width - 430],
      report.incidents.map((i) => [
        String(i.id),
        i.drill ? `[演练] ${i.title}` : i.title,
        categoryLabel(i.category),
        String(i.priority),
        stateLabel(i.status),
        i.place,
        beijing(i.reportedAt),
      ]),
    );
  } else note(doc, '区域内暂无在办警情');

  if (doc.y + 30 > doc.page.height - MARGIN) doc.addPage();
  doc.fontSize(8).fillColor('#7f8c8d');
  put(doc, '本报告由哈尔滨市城市运行应急指挥平台根据实时数据自动生成。', MARGIN, doc.y + 8);
  doc.end();
  return done;
}
