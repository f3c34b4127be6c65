-- Read positions (io.chat.history.SqlReadPositions): the highest seq each user has read in each room, moved only
-- forward (another node's upsert keeps the larger). Row security and the tenant's cascade as every tenant table (V8).
-- Unread counts walk messages' primary key (tenant_id, room, seq) from the position: no index of their own is needed.
CREATE TABLE read_positions (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    username text NOT NULL,
    room text NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (tenant_id, username, room),
    CONSTRAINT read_positions_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
ALTER TABLE read_positions ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_positions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON read_positions
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
GRANT SELECT, INSERT, UPDATE, DELETE ON read_positions TO chat_app;
