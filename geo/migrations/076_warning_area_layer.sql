-- Warning areas as a planners' layer (OGC collection `warnings`): every message with its state, level, hazard and
-- times over its full-resolution area; the id as text, as the catalogue reads string ids.
CREATE VIEW warning_area AS
SELECT id::text AS id, identifier, msg_type, references_id::text AS references_id, state, drill, hazard, level,
       headline, area_kind, area_desc, certainty, sent_at, effective_at, onset_at, expires_at, ended_at, geom
  FROM public_warning;
