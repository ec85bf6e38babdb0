import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** A MapLibre style document, loosely typed: the server only rewrites where its sources point. */
export interface MapStyle {
  version: 8;
  name?: string;
  metadata?: Record<string, unknown>;
  sources: Record<string, Record<string, unknown>>;
  layers: { id: string; source?: string }[];
  glyphs?: string;
  sprite?: unknown;
  [key: string]: unknown;
}

/** The city data release's style for its basemap, beside the archives. */
const STYLE_FILE = 'style.json';

const ARCHIVE_URL = /^pmtiles:\/\/(?:\.\/)?tiles\/([A-Za-z0-9_-][A-Za-z0-9_.-]*)\.pmtiles$/;

/** A style served by this gateway: every URL in it is one of ours; GeoJSON sources are read from these files. */
export interface LocalStyle {
  style: MapStyle;
  geojsonFiles: Map<string, string>;
}

/**
 * The data release's style (`CITY_DATA_DIR/tiles/style.json`) made self-contained on this gateway:
 * - a `pmtiles://tiles/{name}.pmtiles` source becomes the archive's TileJSON here (`/basemap/{name}.json`, plain
 *   XYZ tiles), so clients without a PMTiles plug-in (QGIS, GDAL, MapLibre Native) can draw it;
 * - a GeoJSON source read from a file of the data folder is served as `/basemap/sources/{source}.geojson`;
 * - any other source (a URL elsewhere) is left out with the layers that draw it, and so are `glyphs` and `sprite`:
 *   the platform runs without internet, and MapLibre GL JS ≥ 5.11 draws labels with local fonts when there is no
 *   `glyphs` entry.
 */
export async function localStyle(cityDataDir: string, origin: string): Promise<LocalStyle> {
  const raw = JSON.parse(await readFile(path.join(cityDataDir, 'tiles', STYLE_FILE), 'utf8')) as MapStyle;
  const sources: MapStyle['sources'] = {};
  const geojsonFiles = new Map<string, string>();
  for (const [id, source] of Object.entries(raw.sources ?? {})) {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) continue;
    const archive = typeof source.url === 'string' ? ARCHIVE_URL.exec(source.url) : null;
    if (source.type === 'vector' && archive) {
      const { url: _url, tiles: _tiles, ...rest } = source;
      sources[id] = { ...rest, url: `${origin}/basemap/${archive[1]}.json` };
      continue;
    }
    if (source.type === 'geojson' && typeof source.data === 'string') {
      const file = path.resolve(cityDataDir, source.data);
      if (file.startsWith(`${path.resolve(cityDataDir)}${path.sep}`) && file.endsWith('.geojson')) {
        geojsonFiles.set(id, file);
        sources[id] = { ...source, data: `${origin}/basemap/sources/${id}.geojson` };
      }
    }
  }
  const { glyphs: _glyphs, sprite: _sprite, ...rest } = raw;
  const style: MapStyle = {
    ...rest,
    metadata: {
      ...raw.metadata,
      note: '本样式的数据源均由本平台提供（无需互联网）；不含 glyphs，标注使用本机字体（MapLibre GL JS ≥ 5.11）。',
    },
    sources,
    layers: (raw.layers ?? []).filter((l) => l.source === undefined || l.source in sources),
  };
  return { style, geojsonFiles };
}
