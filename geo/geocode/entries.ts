import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GeocodeKind, GeocodeMatch, NamedCode } from '../../contracts';
import { GEOCODE_KINDS } from '../../contracts';
import type { Queryable } from '../db/types';
import { DbError } from '../db/types';
import type { Locator } from '../grid/locate';
import { normalizeName } from './normalize';

/** One way of writing a name, kept with the field it came from and its comparison form. */
export interface NameVariant {
  text: string;
  field: GeocodeMatch['field'];
  key: string;
}

/** Something the geocoder can return; `variants[0]` is its display name. */
export interface NameEntry {
  name: string;
  kind: GeocodeKind;
  category?: string;
  lon: number;
  lat: number;
  district?: NamedCode;
  bbox?: [number, number, number, number];
  variants: NameVariant[];
}

const SQL = readFileSync(path.join(__dirname, 'entries.sql'), 'utf8');

interface EntryRow {
  kind: string;
  category: string | null;
  name: string;
  variants: Record<string, unknown>;
  lon: number;
  lat: number;
  bbox: number[] | null;
}

/** Alias fields in the order they are preferred when two give the same comparison form. */
const ALIAS_FIELDS = ['short_name', 'name_zh', 'osm_name', 'alt_name', 'name_en', 'name_ru'] as const satisfies readonly Exclude<
  GeocodeMatch['field'],
  'name'
>[];

/** Reads every searchable name from the database and places each in its district. */
export async function loadNameEntries(db: Queryable, locator: Locator): Promise<NameEntry[]> {
  let rows: EntryRow[];
  try {
    rows = await db.query<EntryRow>(SQL);
  } catch (err) {
    throw new DbError('reading the names to index for geocoding', err);
  }
  return rows.map((row) => toEntry(row, locator));
}

function toEntry(row: EntryRow, locator: Locator): NameEntry {
  const kind = GEOCODE_KINDS.find((k) => k === row.kind);
  if (!kind) throw new Error(`geocoding source returned an unknown kind "${row.kind}" for ${row.name}`);
  const entry: NameEntry = { name: row.name, kind, lon: row.lon, lat: row.lat, variants: variantsOf(row) };
  if (row.category) entry.category = row.category;
  const district = locator.locate(row.lon, row.lat).district;
  if (district) entry.district = district;
  if (row.bbox && row.bbox.length === 4) entry.bbox = row.bbox as [number, number, number, number];
  return entry;
}

/**
 * The display name first, then every alias with a comparison form not seen yet. OSM separates several values of
 * one tag with `;` (e.g. alt_name = 哈尔滨站;哈尔滨火车站;Harbin Railway Station).
 */
function variantsOf(row: EntryRow): NameVariant[] {
  const out: NameVariant[] = [];
  const seen = new Set<string>();
  const add = (text: string, field: NameVariant['field']) => {
    const key = normalizeName(text);
    if (!key || seen.has(key)) return;
    seen.add(key);
    out.push({ text, field, key });
  };
  add(row.name, 'name');
  for (const field of ALIAS_FIELDS) {
    for (const value of textsOf(row.variants[field])) {
      for (const part of value.split(';')) if (part.trim()) add(part.trim(), field);
    }
  }
  return out;
}

function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
