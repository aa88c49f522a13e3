-- Smart routing (issue 12): geo targets, A/B test variants and the social
-- preview, one JSON column each on links. NULL (every existing link): none,
-- so existing links behave exactly as before.

ALTER TABLE links ADD COLUMN geo TEXT;            -- JSON object {"US": "https://…", …}, at most 50
ALTER TABLE links ADD COLUMN test_variants TEXT;  -- JSON array [{"url", "percentage"}, …], 2 to 4 adding up to 100
ALTER TABLE links ADD COLUMN og TEXT;             -- JSON object {"title", "description", "image"}
