-- Accounts, their API keys and their links. D1 is the source of truth; the
-- KV namespace holds a derived copy of each link for the redirect.

CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,            -- acct_ + 12 base62
  name        TEXT NOT NULL,
  plan        TEXT NOT NULL CHECK (plan IN ('free', 'pro', 'business', 'enterprise')),
  -- Per-account limit overrides as a JSON object; NULL keeps the plan's.
  limits      TEXT,
  created_at  INTEGER NOT NULL             -- Unix milliseconds
);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,          -- key_ + 12 base62
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  name          TEXT NOT NULL,
  scopes        TEXT NOT NULL,             -- space-separated
  prefix        TEXT NOT NULL,             -- first 8 chars of the secret, for display
  secret_hash   TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the secret; the secret is never stored
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, created_at);

CREATE TABLE links (
  id          TEXT PRIMARY KEY,            -- link_ + 12 base62
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  slug        TEXT NOT NULL UNIQUE,        -- case-sensitive (SQLite's default BINARY collation)
  url         TEXT NOT NULL,
  title       TEXT,
  metadata    TEXT,                        -- JSON object
  clicks      INTEGER NOT NULL DEFAULT 0,  -- pushed from the link's ClickCounter
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
-- Listing is newest first; links created in the same millisecond keep
-- their insertion order through the implicit rowid, which the index carries.
CREATE INDEX links_by_account_created ON links (account_id, created_at DESC);
