-- Chainscope store, version 1.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE taxonomy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    toml       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE region (
    code          TEXT PRIMARY KEY,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    level         TEXT NOT NULL,
    parent        TEXT,
    country       TEXT NOT NULL,
    lat           REAL,
    lon           REAL,
    valid_from    TEXT,
    valid_to      TEXT,
    successor     TEXT,
    counties      TEXT NOT NULL DEFAULT '',
    lead_clusters TEXT NOT NULL DEFAULT '',
    zone_level    TEXT
);

CREATE TABLE enterprise (
    id                 INTEGER PRIMARY KEY,
    key                TEXT NOT NULL,
    name               TEXT NOT NULL,
    name_en            TEXT,
    uscc               TEXT,
    uscc_org_ok        INTEGER NOT NULL DEFAULT 1,
    lei                TEXT,
    ext_id             TEXT,
    legal_rep          TEXT,
    phone              TEXT,
    address            TEXT,
    country            TEXT NOT NULL,
    region_code        TEXT,
    lat                REAL,
    lon                REAL,
    coord_precision    TEXT NOT NULL,
    h3                 INTEGER,
    industry_code      TEXT,
    industry_version   TEXT NOT NULL,
    scope              TEXT,
    products           TEXT,
    founded            TEXT,
    registered_capital REAL CHECK (registered_capital IS NULL OR registered_capital >= 0),
    revenue            REAL CHECK (revenue IS NULL OR revenue >= 0),
    employees          INTEGER CHECK (employees IS NULL OR employees >= 0),
    flags              INTEGER NOT NULL DEFAULT 0,
    -- chain-node memberships: node:source:confidence;… (source c = code rule, k = keyword rule, m = manual)
    nodes              TEXT,
    parent             TEXT,
    series             BLOB,
    suppliers          TEXT,
    customers          TEXT,
    source             TEXT NOT NULL DEFAULT '',
    as_of              TEXT,
    synthetic          INTEGER NOT NULL DEFAULT 0,
    row_hash           INTEGER NOT NULL
);
CREATE UNIQUE INDEX enterprise_uscc ON enterprise (uscc) WHERE uscc IS NOT NULL;
CREATE UNIQUE INDEX enterprise_lei ON enterprise (lei) WHERE lei IS NOT NULL;
CREATE UNIQUE INDEX enterprise_ext ON enterprise (ext_id) WHERE ext_id IS NOT NULL;

CREATE TABLE park (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    doc      TEXT NOT NULL,
    synthetic INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE hub (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE project (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    cluster     TEXT,
    stage       TEXT NOT NULL,
    event_id    TEXT,
    doc         TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE event (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE target (
    year   INTEGER NOT NULL,
    scope  TEXT NOT NULL,
    key    TEXT NOT NULL,
    metric TEXT NOT NULL,
    value  REAL NOT NULL,
    PRIMARY KEY (year, scope, key, metric)
);

CREATE TABLE import_log (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    file       TEXT NOT NULL,
    started_at TEXT NOT NULL,
    read       INTEGER NOT NULL,
    inserted   INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    unchanged  INTEGER NOT NULL,
    rejected   INTEGER NOT NULL
);
