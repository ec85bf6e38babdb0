-- Open311 GeoReport v2 beside the cases: what a channel sent that a case does not hold (the media URL, the answers to
-- the service's attributes, how the place was given), and who revoked a channel's key. One row per case submitted
-- through Open311, written in the transaction that creates the case.
ALTER TABLE case_channel ADD COLUMN revoked_by text;

CREATE TABLE open311_request (
  case_id     bigint PRIMARY KEY REFERENCES city_case (id) ON DELETE CASCADE,
  channel_id  integer NOT NULL REFERENCES case_channel (id),
  -- A photo or video the caller's app holds elsewhere (http or https only), as GeoReport's media_url.
  media_url   text CHECK (media_url IS NULL OR media_url ~ '^https?://'),
  -- The unit-grid cell named by address_id, when the place was given that way.
  address_id  text,
  -- How the place was given: a lat/long pair, an address geocoded by the platform, or a unit-grid cell.
  located_by  text NOT NULL CHECK (located_by IN ('point', 'address_string', 'address_id')),
  -- The answers to the service definition's attributes, by attribute code (lists as arrays).
  attributes  jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_request_channel ON open311_request (channel_id, created_at);
