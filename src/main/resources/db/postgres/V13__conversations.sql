-- Conversations (io.chat.history.SqlConversations): the members of each direct message or group DM, by room. A
-- conversation's history, read positions and remembered rooms are a room's (messages, read_positions, memberships).
-- Row security and the tenant's cascade as every tenant table (V7, V8, V11).
CREATE TABLE conversation_members (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    room text NOT NULL,
    username text NOT NULL,
    PRIMARY KEY (tenant_id, room, username),
    CONSTRAINT conversation_members_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
-- a deleted user leaves every member list
CREATE INDEX conversation_members_user ON conversation_members (tenant_id, username);
ALTER TABLE conversation_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON conversation_members
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_members TO chat_app;
