-- Chainscope store, version 6: enterprise service requests (企业吹哨、部门报到), each with its full history.
CREATE TABLE ticket (
    id             TEXT PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL,
    region_code    TEXT NOT NULL,
    department     TEXT,
    state          TEXT NOT NULL,
    filed_at       TEXT NOT NULL,
    doc            TEXT NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX ticket_department ON ticket (department);
CREATE INDEX ticket_enterprise ON ticket (enterprise_id);
