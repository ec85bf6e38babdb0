import sharp from 'sharp';
import type { Queryable } from '../../geo/db/types';
import type { GaugeStation } from '../feeds/gauges';
import { latestGaugeReadings } from '../feeds/gauge-writer';
import type { ResolvedArea } from './situation';
import { reportSql } from './sql';

const SQL = { outlines: reportSql('situation-outlines.sql'), points: reportSql('situation-points.sql') };

type Ring = [number, number][];
interface Outline {
  code: string;
  name: string;
  frame: boolean;
  polygons: Ring[][];
  label: [number, number];
}
interface MapPoint {
  kind: 'incident' | 'case' | 'gauge';
  lon: number;
  lat: number;
  /** Incidents of priority 7 and above, overdue cases, gauges over their warning level. */
  urgent: boolean;
}

type Geometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

const polygonsOf = (g: Geometry): Ring[][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

/** A flat projection for a city-sized area: longitude scaled by the cosine of the middle latitude, north up. */
class Projection {
  readonly scale: number;
  readonly k: number;
  constructor(
    readonly box: [number, number, number, number],
    readonly width: number,
    readonly height: number,
    readonly margin: number,
  ) {
    const [x0, y0, x1, y1] = box;
    this.k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
    const w = Math.max((x1 - x0) * this.k, 1e-6);
    const h = Math.max(y1 - y0, 1e-6);
    this.scale = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
  }
  point(lon: number, lat: number): [number, number] {
    const [x0, y0, x1, y1] = this.box;
    const ox = (this.width - (x1 - x0) * this.k * this.scale) / 2;
    const oy = (this.height - (y1 - y0) * this.scale) / 2;
    return [ox + (lon - x0) * this.k * this.scale, this.height - oy - (lat - y0) * this.scale];
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f1 = (n: number) => n.toFixed(1);

/**
 * What the picture shows: the rows' outlines and the incidents and cases (a rural district's streets cover only its
 * town, so the district's own frame is drawn but not fitted); the frame when there is nothing else.
 */
function bboxOf(outlines: readonly Outline[], points: readonly MapPoint[]): [number, number, number, number] {
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = (x: number, y: number) => (b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)]);
  const fit = (list: readonly Outline[]) => {
    for (const o of list) for (const poly of o.polygons) for (const [x, y] of poly[0] ?? []) grow(x, y);
  };
  fit(outlines.filter((o) => !o.frame));
  for (const p of points) if (p.kind !== 'gauge') grow(p.lon, p.lat);
  if (!Number.isFinite(b[0])) fit(outlines);
  // Harbin's main urban area when there is nothing to frame.
  if (!Number.isFinite(b[0])) return [126.45, 45.65, 126.85, 45.85];
  // A little room around, and never narrower than about 1 km.
  const padX = Math.max((b[2] - b[0]) * 0.04, 0.006);
  const padY = Math.max((b[3] - b[1]) * 0.04, 0.004);
  return [b[0] - padX, b[1] - padY, b[2] + padX, b[3] + padY];
}

const LEGEND: { label: string; shape: string }[] = [
  { label: '警情', shape: '<circle cx="8" cy="0" r="5" fill="#d62d20" stroke="#fff" stroke-width="1"/>' },
  { label: '城管案件', shape: '<circle cx="8" cy="0" r="4" fill="#1f6fd1" stroke="#fff" stroke-width="1"/>' },
  { label: '超时案件', shape: '<circle cx="8" cy="0" r="4" fill="#f39c12" stroke="#fff" stroke-width="1"/>' },
  { label: '水位站', shape: '<path d="M8 -6 L14 5 L2 5 Z" fill="#16a085" stroke="#fff" stroke-width="1"/>' },
];

/** The map as SVG: outlines (the area's own boundary as frame), labels, points, legend and title. */
function svgOf(title: string, outlines: readonly Outline[], points: readonly MapPoint[], width: number, height: number): string {
  const proj = new Projection(bboxOf(outlines, points), width, height, 36);
  const path = (polys: Ring[][]) =>
    polys
      .map((poly) =>
        poly.map((ring) => `M${ring.map(([x, y]) => proj.point(x, y).map(f1).join(' ')).join('L')}Z`).join(''),
      )
      .join('');
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#f4f6f8"/>`];
  for (const o of outlines.filter((x) => x.frame)) {
    parts.push(`<path d="${path(o.polygons)}" fill="#e9edf1" stroke="#34495e" stroke-width="2.5" fill-rule="evenodd"/>`);
  }
  const areas = outlines.filter((x) => !x.frame);
  const small = areas.length > 60;
  for (const o of areas) {
    parts.push(
      `<path d="${path(o.polygons)}" fill="#ffffff" fill-opacity="0.85" stroke="#7f8c8d" stroke-width="${small ? 0.5 : 1.2}" fill-rule="evenodd"/>`,
    );
  }
  // A name is written where it fits inside its outline's box and does not overlap one already written.
  const written: [number, number, number, number][] = [];
  for (const o of small ? [] : areas) {
    if (!o.name) continue;
    const [x, y] = proj.point(o.label[0], o.label[1]);
    const size = 14;
    const w = o.name.length * size;
    const xs = o.polygons.flatMap((p) => (p[0] ?? []).map(([lx, ly]) => proj.point(lx, ly)));
    const boxW = Math.max(...xs.map((q) => q[0])) - Math.min(...xs.map((q) => q[0]));
    const boxH = Math.max(...xs.map((q) => q[1])) - Math.min(...xs.map((q) => q[1]));
    const box: [number, number, number, number] = [x - w / 2, y - size, x + w / 2, y + 4];
    if (boxW < w * 0.8 || boxH < size + 2) continue;
    if (written.some((r) => r[0] < box[2] && box[0] < r[2] && r[1] < box[3] && box[1] < r[3])) continue;
    written.push(box);
    parts.push(
      `<text x="${f1(x)}" y="${f1(y)}" font-family="Noto Sans CJK SC" font-size="${size}" fill="#2c3e50" text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(o.name)}</text>`,
    );
  }
  const order = { case: 0, gauge: 1, incident: 2 } as const;
  for (const p of [...points].sort((a, b) => order[a.kind] - order[b.kind])) {
    const [x, y] = proj.point(p.lon, p.lat);
    if (x < 0 || y < 0 || x > width || y > height) continue;
    if (p.kind === 'incident') {
      parts.push(`<circle cx="${f1(x)}" cy="${f1(y)}" r="${p.urgent ? 7 : 5}" fill="#d62d20" stroke="#fff" stroke-width="1.2"/>`);
    } else if (p.kind === 'case') {
      parts.push(`<circle cx="${f1(x)}" cy="${f1(y)}" r="4" fill="${p.urgent ? '#f39c12' : '#1f6fd1'}" stroke="#fff" stroke-width="1"/>`);
    } else {
      parts.push(
        `<path d="M${f1(x)} ${f1(y - 8)} L${f1(x + 7)} ${f1(y + 6)} L${f1(x - 7)} ${f1(y + 6)} Z" fill="${p.urgent ? '#c0392b' : '#16a085'}" stroke="#fff" stroke-width="1.2"/>`,
      );
    }
  }
  parts.push(`<rect x="12" y="12" width="${Math.min(width - 24, 24 + title.length * 20)}" height="34" rx="4" fill="#ffffff" fill-opacity="0.9"/>`);
  parts.push(`<text x="24" y="36" font-family="Noto Sans CJK SC" font-size="18" font-weight="bold" fill="#2c3e50">${esc(title)}</text>`);
  const ly = height - 20 - LEGEND.length * 22;
  parts.push(`<rect x="12" y="${ly - 16}" width="120" height="${LEGEND.length * 22 + 14}" rx="4" fill="#ffffff" fill-opacity="0.9"/>`);
  LEGEND.forEach((l, i) => {
    const y = ly + i * 22;
    parts.push(
      `<g transform="translate(20 ${y})">${l.shape}<text x="22" y="5" font-family="Noto Sans CJK SC" font-size="13" fill="#2c3e50">${l.label}</text></g>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

interface OutlineRow {
  code: string;
  name: string;
  frame: boolean;
  g: string;
  lx: number;
  ly: number;
}

/**
 * The simplified outlines of an area, kept per process: base layers change only when the city data is imported,
 * which happens at start-up, and simplifying the districts' boundaries is most of the map's database time.
 */
const outlineCache = new Map<string, Promise<OutlineRow[]>>();
const OUTLINE_CACHE_MAX = 200;

function outlinesOf(db: Queryable, level: ResolvedArea['childKind'], code: string | null): Promise<OutlineRow[]> {
  const key = `${level}:${code ?? ''}`;
  let rows = outlineCache.get(key);
  if (!rows) {
    if (outlineCache.size >= OUTLINE_CACHE_MAX) outlineCache.delete(outlineCache.keys().next().value!);
    rows = db.query<OutlineRow>(SQL.outlines, [level, code]);
    // A failed read is not kept.
    rows.catch(() => outlineCache.delete(key));
    outlineCache.set(key, rows);
  }
  return rows;
}

export interface MapSources {
  db: Queryable;
  stations: readonly GaugeStation[];
}

/**
 * The area's map as a PNG, drawn on the server: the districts of the city, the streets of a district or the unit
 * grid cells of a street, with the open incidents, open cases and gauge stations in it (SVG rendered by sharp).
 */
export async function situationMapPng(src: MapSources, a: ResolvedArea, width = 1200, height = 800): Promise<Buffer> {
  const code = a.childKind === 'district' ? null : a.childKind === 'street' ? a.district : a.street;
  const [outlineRows, pointRows, gauges] = await Promise.all([
    outlinesOf(src.db, a.childKind, code),
    src.db.query<{ kind: 'incident' | 'case'; lon: number; lat: number; urgent: boolean }>(SQL.points, [a.district, a.street]),
    latestGaugeReadings(src.db, src.stations),
  ]);
  const outlines: Outline[] = outlineRows.map((r) => ({
    code: r.code,
    name: r.name,
    frame: r.frame,
    polygons: polygonsOf(JSON.parse(r.g) as Geometry),
    label: [Number(r.lx), Number(r.ly)],
  }));
  const points: MapPoint[] = pointRows.map((p) => ({ kind: p.kind, lon: Number(p.lon), lat: Number(p.lat), urgent: p.urgent }));
  // Gauges are drawn where they are; those outside the picture are dropped by the projection check.
  for (const g of gauges) points.push({ kind: 'gauge', lon: g.lon, lat: g.lat, urgent: g.overWarning });
  const title = [...a.parents.map((p) => p.name), a.area.name].join(' · ');
  const svg = svgOf(title, outlines, points, width, height);
  // No alpha channel: pdfkit embeds an RGB PNG's data as it is, but decodes one with alpha pixel by pixel in JavaScript.
  return sharp(Buffer.from(svg)).flatten({ background: '#f4f6f8' }).png({ compressionLevel: 3 }).toBuffer();
}
