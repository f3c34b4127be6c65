-- The catalog of tenants: one row per tenant, its definition the document a single node keeps in tenant.json. Not a
-- tenant's table (no row security): only the nodes' catalog reads and writes it, never a tenant's request. A node
-- that provisions, suspends, resumes or deletes a tenant writes here first, then tells the other nodes, which read
-- it again (and read it every few seconds anyway, in case a notice was lost).
CREATE TABLE tenants (
    id text PRIMARY KEY,
    definition bytea NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO chat_app;
