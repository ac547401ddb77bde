-- How many screening questions went unanswered (issue 20), for the inbox list's "Screening
-- incomplete" mark without reading each summary. Earlier rows count none: their summaries were
-- built before the rule, and the list cannot tell.
ALTER TABLE submissions ADD COLUMN screening_unanswered BIGINT NOT NULL DEFAULT 0;
