-- 万米单元网格: cells of about 100 m x 100 m inside one 街道, coded
-- 6-digit district + 3-digit street + 3-digit community + 3-digit sequence.
CREATE TABLE grid_community (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
  street_code text NOT NULL REFERENCES street (code),
  block_col   int NOT NULL,
  block_row   int NOT NULL
);

CREATE TABLE grid_cell (
  code            text PRIMARY KEY CHECK (code ~ '^[0-9]{15}$'),
  district_adcode text NOT NULL,
  street_code     text NOT NULL REFERENCES street (code),
  community_code  text NOT NULL REFERENCES grid_community (code),
  seq             int NOT NULL CHECK (seq BETWEEN 1 AND 999),
  owner           text NOT NULL,
  area_m2         double precision NOT NULL,
  geom            geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX grid_cell_geom ON grid_cell USING gist (geom);
CREATE INDEX grid_cell_street ON grid_cell (street_code);
