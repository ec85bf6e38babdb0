import type { ManifestLayer } from './manifest';

/**
 * How staged rows (source_id, props, geom) become rows of each target table.
 * `clear` removes what an earlier import of the same layer wrote; `insert` copies the valid staged rows.
 * Both take the layer name as $1.
 */
export interface TargetSql {
  clear: string;
  insert: string;
}

const nameExpr = `COALESCE(NULLIF(props->>'name_zh', ''), props->>'name', '')`;

export const TARGETS: Record<ManifestLayer['target'], TargetSql> = {
  district: {
    clear: `DELETE FROM district WHERE $1::text IS NOT NULL`,
    insert: `INSERT INTO district (adcode, name, kind, area_km2, geom)
      SELECT props->>'adcode', props->>'name', COALESCE(props->>'kind', ''), (props->>'area_km2')::float8, ST_Multi(geom)
      FROM import_staging WHERE reason IS NULL AND $1::text IS NOT NULL`,
  },
  street: {
    clear: `DELETE FROM street WHERE $1::text IS NOT NULL`,
    insert: `INSERT INTO street (code, name, name_en, district_adcode, district_name, area_km2, source_id, geom)
      SELECT props->>'nbs_code', props->>'name', props->>'name_en', props->>'district_adcode',
             props->>'district_name', (props->>'area_km2')::float8, source_id, ST_Multi(geom)
      FROM import_staging WHERE reason IS NULL AND $1::text IS NOT NULL`,
  },
  poi: {
    clear: `DELETE FROM poi WHERE $1::text IS NOT NULL`,
    insert: `INSERT INTO poi (id, category, name, hotline, props, geom)
      SELECT source_id, props->>'category', ${nameExpr}, COALESCE(props->>'hotline', ''), props, geom
      FROM import_staging WHERE reason IS NULL AND $1::text IS NOT NULL`,
  },
  road: {
    clear: `DELETE FROM road WHERE $1::text IS NOT NULL`,
    insert: `INSERT INTO road (id, name, class_rank, highway, oneway, maxspeed, props, geom)
      SELECT source_id, ${nameExpr}, (props->>'class_rank')::int, props->>'highway', props->>'oneway',
             props->>'maxspeed', props, geom
      FROM import_staging WHERE reason IS NULL AND $1::text IS NOT NULL`,
  },
  base_feature: {
    clear: `DELETE FROM base_feature WHERE layer = $1`,
    insert: `INSERT INTO base_feature (layer, source_id, name, kind, props, geom)
      SELECT $1, source_id, ${nameExpr},
             COALESCE(props->>'kind', props->>'category', props->>'natural', props->>'waterway', props->>'railway',
                      props->>'feature', props->>'place', props->>'building', ''),
             props, geom
      FROM import_staging WHERE reason IS NULL`,
  },
  // The export's `length` column is measured in Web Mercator (about 1.43 x the true length at Harbin's latitude),
  // so the true geodesic length is computed from the geometry instead.
  road_edge: {
    clear: `DELETE FROM road_edge WHERE $1::text IS NOT NULL`,
    insert: `INSERT INTO road_edge (gid, osm_id, class_id, source, target, length_m, two_way, speed_fwd, speed_bwd, priority, geom)
      SELECT (props->>'gid')::int, (props->>'osm_id')::bigint, (props->>'class_id')::int, (props->>'source')::bigint,
             (props->>'target')::bigint, ST_Length(geom::geography), (props->>'reverse')::int = 1,
             (props->>'maxspeed_forward')::float8, (props->>'maxspeed_backward')::float8, (props->>'priority')::float8, geom
      FROM import_staging WHERE reason IS NULL AND $1::text IS NOT NULL`,
  },
};

/** The geometry expression that turns a staged record's `geometry` into PostGIS, by file format. */
export const GEOMETRY_FROM: Record<ManifestLayer['format'], string> = {
  geojson: `ST_SetSRID(ST_GeomFromGeoJSON(r->>'geometry'), 4326)`,
  'barefoot-csv': `ST_GeomFromText(r->>'geometry', 4326)`,
};
