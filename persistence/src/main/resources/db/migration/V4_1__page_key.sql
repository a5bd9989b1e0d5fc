-- A page key may be 1,024 chars of 3-byte UTF-8 (SPEC 1), past the ~2,700-byte row limit of a
-- btree index: page_views is keyed by the SHA-256 of the page's UTF-8 bytes with the window, and
-- the page stays whole in its own column. Queries for one page match both (the hash finds the
-- rows through the key, the text confirms them).

-- IMMUTABLE holds: a database's encoding never changes.
CREATE FUNCTION page_key(page text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sha256(convert_to(page, 'UTF8')) $$;

ALTER TABLE page_views
  DROP CONSTRAINT page_views_pkey,
  ADD COLUMN page_key bytea GENERATED ALWAYS AS (page_key(page)) STORED;

ALTER TABLE page_views
  ALTER COLUMN page SET NOT NULL,
  ADD PRIMARY KEY (page_key, window_start);
