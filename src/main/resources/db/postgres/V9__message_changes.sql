-- Edits, deletions and reactions of messages (io.chat.history.ChangeSql): each is an entry of the room's sequence, numbered by
-- the room's counter like a message. kind 0 is a message, 1 an edit and 2 a deletion of the message at seq target
-- (same tenant and room). A message row holds its latest text, when it was last edited (epoch milliseconds) and
-- whether it was deleted (its text is then empty). The defaults make every existing row a message, never edited:
-- adding a column with a constant default rewrites nothing (PostgreSQL 11+).
ALTER TABLE messages
    ADD COLUMN kind smallint NOT NULL DEFAULT 0,
    ADD COLUMN target bigint,
    ADD COLUMN edited_ts bigint,
    ADD COLUMN deleted boolean NOT NULL DEFAULT false;

-- Reactions (io.chat.history.ReactionSql): one row per (message, emoji, user), toggled by entries of kind 3 (whose
-- text is the emoji). Row security as every table.
CREATE TABLE reactions (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    room text NOT NULL,
    seq bigint NOT NULL,
    emoji text NOT NULL,
    username text NOT NULL,
    ts bigint NOT NULL, -- epoch milliseconds
    entry_seq bigint NOT NULL, -- the seq of the entry that added it: the order of first use, ties in a millisecond too
    PRIMARY KEY (tenant_id, room, seq, emoji, username),
    -- as every tenant table (V8): a row for a tenant deleted meanwhile is refused, and goes with its tenant
    CONSTRAINT reactions_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
ALTER TABLE reactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE reactions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON reactions
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
GRANT SELECT, INSERT, UPDATE, DELETE ON reactions TO chat_app;
