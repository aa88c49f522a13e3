-- Integrity hardening (issue 16), in one migration:
-- link versions for conditional updates, the history of every slug a link
-- has published (so renames and deletes remove all of them from KV), the
-- reconciliation pass's resume point, and each link's saved QR style.

-- 1 for every existing link; each write moves it one on (store::links).
ALTER TABLE links ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Every slug ever published to KV, pointing at the last link that published
-- it: a rename or delete removes all of a link's slugs. Slugs published
-- before this table existed are found by the reconciliation pass.
CREATE TABLE link_slugs (
  slug          TEXT PRIMARY KEY,
  link_id       TEXT NOT NULL,
  published_at  INTEGER NOT NULL              -- Unix milliseconds
);
CREATE INDEX link_slugs_by_link ON link_slugs (link_id);
INSERT INTO link_slugs (slug, link_id, published_at) SELECT slug, id, updated_at FROM links;

-- Where the scheduled reconciliation pass resumes its KV listing.
CREATE TABLE reconcile_state (
  id          INTEGER PRIMARY KEY CHECK (id = 0),
  cursor      TEXT,                           -- NULL: start of a walk
  updated_at  INTEGER NOT NULL
);

-- A link's saved QR style, rendered by the public /{slug}/qr. No row: the
-- defaults. The logo file (vetted, decoded and scaled down once, at save
-- time) is kept inline as base64, at most 512 KiB decoded.
CREATE TABLE link_qr_styles (
  link_id           TEXT PRIMARY KEY REFERENCES links(id),
  account_id        TEXT NOT NULL,
  dots              TEXT NOT NULL,            -- #rrggbb or #rrggbbaa
  background        TEXT NOT NULL,
  size              INTEGER NOT NULL,         -- pixels
  margin            INTEGER NOT NULL,         -- modules
  error_correction  TEXT NOT NULL,            -- L, M, Q or H
  logo              TEXT,                     -- base64 of the saved file
  logo_type         TEXT,                     -- image/png, image/jpeg or image/svg+xml
  logo_width        INTEGER,                  -- NULL for SVG
  logo_height       INTEGER,
  updated_at        INTEGER NOT NULL
);
