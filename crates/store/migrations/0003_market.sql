-- Chainscope store, version 3: supply and demand items (供需对接).
CREATE TABLE market_item (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('supply', 'demand')),
    node          TEXT,
    valid_until   TEXT,
    doc           TEXT NOT NULL
);
CREATE INDEX market_item_node ON market_item (node);
