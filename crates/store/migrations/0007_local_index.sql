-- Chainscope store, version 7: a partial index of the local enterprises (flag bit 16), so that policy matching
-- and other questions about the home city's enterprises read only them instead of every record in the world.
CREATE INDEX enterprise_local ON enterprise (id) WHERE (flags & 16) != 0;
