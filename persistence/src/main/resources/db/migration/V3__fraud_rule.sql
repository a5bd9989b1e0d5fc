-- The fraud rule's parameters in force (SPEC §3.3, §6.2 admin API), changed at run time through
-- PUT /admin/fraud-rule. At most one row: without it the configured defaults (tidemark.fraud)
-- apply. Kept in the database so that a change survives restarts and reaches every node.
CREATE TABLE fraud_rule (
  id                  SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  window_ms           BIGINT      NOT NULL CHECK (window_ms > 0),
  max_countries       INTEGER     NOT NULL CHECK (max_countries >= 1),
  allowed_lateness_ms BIGINT      NOT NULL CHECK (allowed_lateness_ms >= 0),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
