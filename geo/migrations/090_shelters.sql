-- Shelters: civil-air-defence works (人防工程: bunkers, metro stations, underground car parks) and open-space
-- emergency shelters (应急避难场所: parks, squares, stadiums, school grounds). Rows `derived` are estimated from the
-- imported city data by the written rules of data/shelters/README.md (gateway/shelters/derive.sql) and are
-- re-derived on every run; rows `register` come from a real register (CSV import or API) and are never touched by
-- the derivation. Opening state and live occupancy belong to both and survive a re-derivation.
CREATE TABLE shelter (
  id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,80}$'),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind             text NOT NULL CHECK (kind IN ('civil_defence', 'metro', 'underground_parking', 'park', 'square', 'stadium', 'school_ground')),
  category         text NOT NULL CHECK (category IN ('underground', 'open_space')),
  origin           text NOT NULL CHECK (origin IN ('derived', 'register')),
  -- Usable area the capacity rests on (m²); null when a register gives the capacity directly.
  area_m2          double precision CHECK (area_m2 IS NULL OR area_m2 >= 0),
  capacity         integer NOT NULL CHECK (capacity BETWEEN 0 AND 1000000),
  capacity_rule    text NOT NULL,
  opening          text NOT NULL DEFAULT 'standby' CHECK (opening IN ('standby', 'open', 'full', 'closed')),
  occupancy        integer NOT NULL DEFAULT 0 CHECK (occupancy BETWEEN 0 AND 1000000),
  occupancy_at     timestamptz,
  occupancy_source text CHECK (occupancy_source IS NULL OR occupancy_source IN ('feed', 'manual', 'register')),
  district_adcode  text,
  street_code      text,
  source_ref       text NOT NULL DEFAULT '',
  geom             geometry(Point, 4326) NOT NULL,
  footprint        geometry(MultiPolygon, 4326),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  seq              bigint NOT NULL DEFAULT 0
);
CREATE INDEX shelter_geom ON shelter USING gist (geom);
CREATE INDEX shelter_geog ON shelter USING gist ((geom::geography));
CREATE INDEX shelter_street ON shelter (street_code);
CREATE INDEX shelter_district ON shelter (district_adcode);

-- Every occupancy report, from the air-defence feed or by hand: the live figure on `shelter` is the latest one.
CREATE TABLE shelter_occupancy (
  id          bigserial PRIMARY KEY,
  shelter_id  text NOT NULL REFERENCES shelter (id) ON DELETE CASCADE,
  occupancy   integer NOT NULL CHECK (occupancy BETWEEN 0 AND 1000000),
  opening     text CHECK (opening IS NULL OR opening IN ('standby', 'open', 'full', 'closed')),
  source      text NOT NULL CHECK (source IN ('feed', 'manual', 'register')),
  reported_by text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shelter_occupancy_shelter ON shelter_occupancy (shelter_id, at DESC);
