-- Words of every report's description and place, for /find and the dashboard's search: an FTS5
-- index kept in step with the reports by triggers (a scan of 50,000 descriptions per search
-- would not keep the dashboard's queue under 100 ms). unicode61 folds case in every script; ё is
-- indexed as е (as searches read it), so the index is fed by the triggers, never by 'rebuild'.
CREATE VIRTUAL TABLE reports_search USING fts5(
    description, place, content='reports', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO reports_search (rowid, description, place)
SELECT id, replace(replace(description, 'ё', 'е'), 'Ё', 'Е'), replace(replace(place, 'ё', 'е'), 'Ё', 'Е')
FROM reports;

CREATE TRIGGER reports_search_insert AFTER INSERT ON reports BEGIN
    INSERT INTO reports_search (rowid, description, place)
    VALUES (new.id, replace(replace(new.description, 'ё', 'е'), 'Ё', 'Е'), replace(replace(new.place, 'ё', 'е'), 'Ё', 'Е'));
END;
CREATE TRIGGER reports_search_delete AFTER DELETE ON reports BEGIN
    INSERT INTO reports_search (reports_search, rowid, description, place)
    VALUES ('delete', old.id, replace(replace(old.description, 'ё', 'е'), 'Ё', 'Е'), replace(replace(old.place, 'ё', 'е'), 'Ё', 'Е'));
END;
CREATE TRIGGER reports_search_update AFTER UPDATE OF description, place ON reports BEGIN
    INSERT INTO reports_search (reports_search, rowid, description, place)
    VALUES ('delete', old.id, replace(replace(old.description, 'ё', 'е'), 'Ё', 'Е'), replace(replace(old.place, 'ё', 'е'), 'Ё', 'Е'));
    INSERT INTO reports_search (rowid, description, place)
    VALUES (new.id, replace(replace(new.description, 'ё', 'е'), 'Ё', 'Е'), replace(replace(new.place, 'ё', 'е'), 'Ё', 'Е'));
END;
