-- Chainscope store, version 2: substring search over enterprise names (Chinese and English) with an FTS5
-- trigram index kept in step by triggers. The bulk import path drops the triggers and rebuilds the index once.
CREATE VIRTUAL TABLE enterprise_fts USING fts5(
    name, name_en,
    content = 'enterprise', content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO enterprise_fts (enterprise_fts) VALUES ('rebuild');
-- The triggers follow in 0002_search_triggers.sql (also re-created by the bulk import path).
