-- Population per unit-grid cell (人口网格), night (resident) and day variants. `estimate` rows come from building
-- footprints, levels and land use (geo/population/estimate.sql, assumptions in geo/population/README.md);
-- `official` rows come from an imported table of official figures and replace the estimate of their cell.
-- Keyed by grid code without a foreign key: a regenerated grid keeps codes, and the estimate is simply re-run.
CREATE TABLE grid_population (
  grid_code  text PRIMARY KEY CHECK (grid_code ~ '^[0-9]{15}$'),
  night      integer NOT NULL CHECK (night BETWEEN 0 AND 1000000),
  day        integer NOT NULL CHECK (day BETWEEN 0 AND 1000000),
  source     text NOT NULL CHECK (source IN ('estimate', 'official')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The planners' population layer (tiles and OGC): each cell with its figures.
CREATE VIEW grid_population_cell AS
  SELECT c.code, c.street_code, c.district_adcode, p.night, p.day, p.source, c.geom
    FROM grid_cell c JOIN grid_population p ON p.grid_code = c.code;
