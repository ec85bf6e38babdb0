import fontCss from '@noto-sans-sc/400.css?raw';
import type { FontFace as StyleFontFace, FontFaces } from './style-types';

/**
 * The one font of the app, Noto Sans SC (regular), bundled from `@fontsource/noto-sans-sc` so that
 * neither the page nor the map labels depend on fonts installed on the client.
 */
export const LABEL_FONT = 'Noto Sans SC';
export const LABEL_FONT_STACK = [LABEL_FONT];

/** Emitted URL of every subset file, keyed by file name. */
const subsetUrls: Record<string, string> = import.meta.glob(
  [
    '@noto-sans-sc/files/noto-sans-sc-*-400-normal.woff2',
    '!@noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff2',
  ],
  { query: '?url', import: 'default', eager: true },
);

interface Subset {
  url: string;
  /** CSS `unicode-range` entries, e.g. `U+4e00-4e0f`. */
  ranges: string[];
}

/** The subsets in the package's own order, each with the codepoints it covers (read from its stylesheet). */
function subsets(): Subset[] {
  const urlsByFile = new Map(Object.entries(subsetUrls).map(([p, url]) => [p.slice(p.lastIndexOf('/') + 1), url]));
  const list: Subset[] = [];
  for (const block of fontCss.split('@font-face').slice(1)) {
    const file = /files\/(noto-sans-sc-[\w-]+-400-normal\.woff2)/.exec(block)?.[1];
    const ranges = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    const url = file ? urlsByFile.get(file) : undefined;
    if (url && ranges) list.push({ url, ranges: ranges.split(',').map((r) => r.trim()) });
  }
  if (list.length === 0) throw new Error('no subset of the bundled font was found; the web build is incomplete');
  return list;
}

/**
 * Declares the font to MapLibre (`font-faces`): MapLibre fetches only the subsets the visible labels
 * need and waits for each before drawing its glyphs, so no label is drawn with a fallback font.
 */
export function labelFontFaces(baseUrl: string): FontFaces {
  const faces: StyleFontFace[] = subsets().map((s) => ({ url: new URL(s.url, baseUrl).href, 'unicode-range': s.ranges }));
  return { [LABEL_FONT]: faces };
}

/** Registers the same subsets for the page itself (header, panels, deck.gl markers); each loads on first use. */
export function registerPageFont(): void {
  for (const s of subsets()) {
    document.fonts.add(
      new FontFace(LABEL_FONT, `url(${s.url}) format('woff2')`, { unicodeRange: s.ranges.join(','), display: 'swap' }),
    );
  }
}
