-- An alert's id is its transaction's txnId: up to 1,024 chars of 3-byte UTF-8 (SPEC 1), past the
-- ~2,700-byte row limit of a btree index. fraud_alerts is keyed by the SHA-256 of the id's UTF-8
-- bytes, and the id stays whole in its own column.

-- IMMUTABLE holds: a database's encoding never changes.
CREATE FUNCTION alert_key(alert_id text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sha256(convert_to(alert_id, 'UTF8')) $$;

ALTER TABLE fraud_alerts
  DROP CONSTRAINT fraud_alerts_pkey,
  ADD COLUMN alert_key bytea GENERATED ALWAYS AS (alert_key(alert_id)) STORED;

ALTER TABLE fraud_alerts
  ALTER COLUMN alert_id SET NOT NULL,
  ADD PRIMARY KEY (alert_key);
