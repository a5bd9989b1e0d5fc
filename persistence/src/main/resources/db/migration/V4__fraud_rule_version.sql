-- Versions of the fraud rule: every change stored through PUT /admin/fraud-rule increments it, so
-- that nodes hearing of changes over pub-sub or re-reading this table keep only the latest one.
-- A row stored before versions existed is version 1; the configured defaults count as version 0.
ALTER TABLE fraud_rule ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
