-- Account state (issue 11): the operator suspends and resumes accounts.
-- A suspended account's API keys are refused (403) until it is resumed; its
-- links keep redirecting (README, "Operators"). Every existing account is active.

ALTER TABLE accounts ADD COLUMN state TEXT NOT NULL DEFAULT 'active'
  CHECK (state IN ('active', 'suspended'));
