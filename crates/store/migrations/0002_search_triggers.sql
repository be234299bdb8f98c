-- Keep enterprise_fts in step with enterprise (part of migration 2).
CREATE TRIGGER enterprise_fts_ai AFTER INSERT ON enterprise BEGIN
    INSERT INTO enterprise_fts (rowid, name, name_en) VALUES (new.id, new.name, new.name_en);
END;
CREATE TRIGGER enterprise_fts_ad AFTER DELETE ON enterprise BEGIN
    INSERT INTO enterprise_fts (enterprise_fts, rowid, name, name_en) VALUES ('delete', old.id, old.name, old.name_en);
END;
CREATE TRIGGER enterprise_fts_au AFTER UPDATE OF name, name_en ON enterprise BEGIN
    INSERT INTO enterprise_fts (enterprise_fts, rowid, name, name_en) VALUES ('delete', old.id, old.name, old.name_en);
    INSERT INTO enterprise_fts (rowid, name, name_en) VALUES (new.id, new.name, new.name_en);
END;
