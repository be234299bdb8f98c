-- Chainscope store, version 4: every write to a project keeps the version it produced, so no edit loses history.
CREATE TABLE project_log (
    id         INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    doc        TEXT NOT NULL
);
CREATE INDEX project_log_project ON project_log (project_id, version);
