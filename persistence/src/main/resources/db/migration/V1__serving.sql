-- Serving layer (SPEC 4.1): one row per key, upserted, so replays and retries converge.

CREATE TABLE page_views (
  page         text,
  window_start timestamptz,
  window_end   timestamptz,
  views        bigint,
  revision     int,
  updated_at   timestamptz,
  PRIMARY KEY (page, window_start)
);

CREATE TABLE unique_visitors (
  window_start timestamptz PRIMARY KEY,
  window_end   timestamptz,
  visitors     bigint,
  sketch       bytea,
  revision     int,
  updated_at   timestamptz
);

CREATE TABLE fraud_alerts (
  alert_id    text PRIMARY KEY,
  user_id     text,
  txn_id      text,
  txn_ts      timestamptz,
  countries   text[],
  detected_at timestamptz
);

-- Next offset to consume per input partition, written in the same transaction as the
-- results it produced: after a crash a pipeline resumes exactly where its tables stand.
CREATE TABLE input_offsets (
  pipeline    text   NOT NULL,
  topic       text   NOT NULL,
  partition   int    NOT NULL,
  next_offset bigint NOT NULL,
  PRIMARY KEY (pipeline, topic, partition)
);

-- Open (not yet purged) windows of a partition, so a restart resumes them from input_offsets.
CREATE TABLE window_checkpoints (
  pipeline   text        NOT NULL,
  topic      text        NOT NULL,
  partition  int         NOT NULL,
  snapshot   bytea,
  updated_at timestamptz,
  PRIMARY KEY (pipeline, topic, partition)
);

-- Offset store and management state of pekko-projection-jdbc 1.0.0 (postgres-dialect,
-- default table names, use-lowercase-schema = true), as its own DDL creates them.
CREATE TABLE IF NOT EXISTS pekko_projection_offset_store (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  current_offset VARCHAR(255) NOT NULL,
  manifest VARCHAR(4) NOT NULL,
  mergeable BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY(projection_name, projection_key)
);

CREATE INDEX IF NOT EXISTS projection_name_index ON pekko_projection_offset_store (projection_name);

CREATE TABLE IF NOT EXISTS pekko_projection_management (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  paused BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY(projection_name, projection_key)
);
