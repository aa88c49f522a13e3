-- Click cap (issue 6): after this many human clicks the link behaves as
-- expired. NULL (every existing link): no cap. The count itself lives in
-- the link's ClickCounter, which admits each capped redirect.

ALTER TABLE links ADD COLUMN max_clicks INTEGER;       -- positive, or NULL
