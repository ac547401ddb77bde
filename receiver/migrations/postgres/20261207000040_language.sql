-- The language the visitor answered in (issue 25: the submission's `language`, a BCP 47 tag),
-- for the inbox list's "Answered in" mark and the CSV without reading each summary. Earlier
-- rows were all British English: the widget spoke nothing else before.
ALTER TABLE submissions ADD COLUMN language TEXT NOT NULL DEFAULT 'en-GB';
