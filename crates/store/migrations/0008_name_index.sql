-- Chainscope store, version 8: an index of enterprise names, so that a search finds the names that start with a short
-- text (徐工, 三一) at once; the trigram table needs three characters.
CREATE INDEX enterprise_name ON enterprise (name);
