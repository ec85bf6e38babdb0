-- Public warnings (预警) suggest plans too: a suggestion's basis may be a warning.
ALTER TABLE response_suggestion DROP CONSTRAINT IF EXISTS response_suggestion_basis_kind_check;
ALTER TABLE response_suggestion ADD CONSTRAINT response_suggestion_basis_kind_check
  CHECK (basis_kind IN ('incident', 'gauge', 'warning'));
