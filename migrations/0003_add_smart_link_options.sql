-- Smart-link options (issue 6), one column each on links, and tags in their
-- own table so `GET /v1/links?tag=x` is an indexed lookup. Defaults keep
-- existing links behaving exactly as before.

ALTER TABLE links ADD COLUMN ios TEXT;                 -- iOS destination URL
ALTER TABLE links ADD COLUMN android TEXT;             -- Android destination URL
ALTER TABLE links ADD COLUMN expires_at INTEGER;       -- Unix milliseconds
ALTER TABLE links ADD COLUMN expired_url TEXT;         -- where to go once expired
ALTER TABLE links ADD COLUMN password_hash TEXT;       -- pbkdf2-sha256$iterations$salt$hash
ALTER TABLE links ADD COLUMN redirect_type INTEGER NOT NULL DEFAULT 302;
ALTER TABLE links ADD COLUMN forward_query INTEGER NOT NULL DEFAULT 1;
ALTER TABLE links ADD COLUMN utm TEXT;                 -- JSON object {source, medium, …}
ALTER TABLE links ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE link_tags (
  link_id     TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  account_id  TEXT NOT NULL,                 -- copied from the link, for the filter's index
  tag         TEXT NOT NULL,                 -- lowercase [a-z0-9_-]{1,32}
  position    INTEGER NOT NULL,              -- order as sent
  PRIMARY KEY (link_id, tag)
);
CREATE INDEX link_tags_by_tag ON link_tags (account_id, tag);
