-- The dashboard's people (issue 13): members of an account who sign in with
-- an email and a password, their sessions, invitations to join an account,
-- and the counters that rate-limit failed sign-ins.

CREATE TABLE members (
  id             TEXT PRIMARY KEY,          -- mem_ + 12 base62
  account_id     TEXT NOT NULL REFERENCES accounts(id),
  email          TEXT NOT NULL UNIQUE,      -- trimmed and lowercased; one account per person
  password_hash  TEXT NOT NULL,             -- pbkdf2-sha256$iterations$salt$hash (WebCrypto)
  role           TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  created_at     INTEGER NOT NULL           -- Unix milliseconds
);
CREATE INDEX members_by_account ON members (account_id, created_at);

CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,           -- ses_ + 12 base62, for listing and revoking
  member_id     TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  token_hash    TEXT NOT NULL UNIQUE,       -- hex SHA-256 of the cookie's token; the token is never stored
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX sessions_by_member ON sessions (member_id);

CREATE TABLE invitations (
  id           TEXT PRIMARY KEY,            -- inv_ + 12 base62
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  email        TEXT NOT NULL,               -- trimmed and lowercased
  role         TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  token_hash   TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the token in the invitation link
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  accepted_at  INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX invitations_by_account ON invitations (account_id, created_at);

-- Failed sign-ins (and sign-ups) per fixed window, keyed by what is being
-- limited: 'account:' + a hash of the email, or 'client:' / 'signup:' + a keyed hash of
-- the client's address (never the address itself).
CREATE TABLE auth_attempts (
  counter   TEXT PRIMARY KEY,
  window_no INTEGER NOT NULL,               -- the window's number (time / window length)
  failures  INTEGER NOT NULL
);
CREATE INDEX auth_attempts_by_window ON auth_attempts (window_no);
