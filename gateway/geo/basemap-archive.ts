import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  Compression,
  findTile,
  PMTiles,
  SharedPromiseCache,
  TileType,
  zxyToTileId,
  type Header,
  type RangeResponse,
  type Source,
} from 'pmtiles';
import type { TileAddress } from '../../geo/tiles/sql';

/** A PMTiles archive on disk, read with positioned reads; its key changes when the file is replaced. */
class ArchiveFile implements Source {
  constructor(
    private readonly file: string,
    private readonly key: string,
  ) {}

  getKey(): string {
    return this.key;
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const handle = await open(this.file, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer };
    } finally {
      await handle.close();
    }
  }
}

/** One basemap tile exactly as the archive stores it, and the Content-Encoding those bytes are in (or none). */
export interface StoredTile {
  bytes: Buffer;
  encoding: 'gzip' | 'br' | null;
}

/** The archive's own description (PMTiles JSON metadata): the vector layers and their fields, attribution… */
export interface ArchiveMetadata {
  name?: string;
  description?: string;
  attribution?: string;
  version?: string;
  vector_layers?: { id: string; description?: string; minzoom?: number; maxzoom?: number; fields?: Record<string, string> }[];
}

const ENCODINGS: Partial<Record<Compression, StoredTile['encoding']>> = {
  [Compression.None]: null,
  [Compression.Gzip]: 'gzip',
  [Compression.Brotli]: 'br',
};

/** The bytes of a stored tile without their Content-Encoding, for a client that accepts none. */
export function decodeStoredTile(tile: StoredTile): Buffer {
  if (tile.encoding === 'gzip') return gunzipSync(tile.bytes);
  if (tile.encoding === 'br') return brotliDecompressSync(tile.bytes);
  return tile.bytes;
}

/** Longest chain of leaf directories the PMTiles v3 specification allows below the root. */
const MAX_DIRECTORY_DEPTH = 3;

/**
 * The vector-tile archives of the offline basemap (`CITY_DATA_DIR/tiles/*.pmtiles`), read on the server so that
 * any map client (QGIS, GDAL, MapLibre without a PMTiles plug-in) can use them as plain XYZ tiles. Tiles are handed
 * out as stored, still compressed: the route sends them with their Content-Encoding to clients that accept it.
 * Headers and directories are cached per version of the file (path, size and modification time).
 */
export class BasemapArchives {
  readonly #cache = new SharedPromiseCache(64);
  readonly #open = new Map<string, { key: string; archive: PMTiles; source: ArchiveFile }>();

  constructor(private readonly dir: string) {}

  /** The archive named `name` (without `.pmtiles`), or null when there is none. */
  async #archive(name: string): Promise<{ archive: PMTiles; source: ArchiveFile } | null> {
    const file = path.join(this.dir, `${name}.pmtiles`);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const key = `${file}|${info.size}|${info.mtimeMs}`;
    const known = this.#open.get(name);
    if (known?.key === key) return known;
    const source = new ArchiveFile(file, key);
    const opened = { key, source, archive: new PMTiles(source, this.#cache) };
    this.#open.set(name, opened);
    return opened;
  }

  /** The archive's header (zoom range, bounds, centre, tile type and compression), or null without the archive. */
  async header(name: string): Promise<Header | null> {
    const a = await this.#archive(name);
    return a ? a.archive.getHeader() : null;
  }

  async metadata(name: string): Promise<ArchiveMetadata | null> {
    const a = await this.#archive(name);
    return a ? ((await a.archive.getMetadata()) as ArchiveMetadata) : null;
  }

  /**
   * The stored tile at z/x/y, or null when the archive has none there (outside its zoom range or area, or an empty
   * tile). Throws for an archive that is not vector tiles or uses a compression no client can be sent.
   */
  async tile(name: string, { z, x, y }: TileAddress): Promise<StoredTile | null> {
    const a = await this.#archive(name);
    if (!a) return null;
    const header = await a.archive.getHeader();
    if (header.tileType !== TileType.Mvt) throw new Error(`basemap archive ${name} does not hold vector tiles`);
    const encoding = ENCODINGS[header.tileCompression];
    if (encoding === undefined)
      throw new Error(`basemap archive ${name}: tile compression ${header.tileCompression} is not supported`);
    if (z < header.minZoom || z > header.maxZoom) return null;
    const id = zxyToTileId(z, x, y);
    let offset = header.rootDirectoryOffset;
    let length = header.rootDirectoryLength;
    for (let depth = 0; depth <= MAX_DIRECTORY_DEPTH; depth++) {
      const directory = await this.#cache.getDirectory(a.source, offset, length, header);
      const entry = findTile(directory, id);
      if (!entry) return null;
      if (entry.runLength > 0) {
        const { data } = await a.source.getBytes(header.tileDataOffset + entry.offset, entry.length);
        return data.byteLength === 0 ? null : { bytes: Buffer.from(data), encoding };
      }
      offset = header.leafDirectoryOffset + entry.offset;
      length = entry.length;
    }
    throw new Error(`basemap archive ${name}: directories nested deeper than the format allows`);
  }
}
