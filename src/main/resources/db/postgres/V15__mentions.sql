-- Mentions (io.chat.history.MentionSql): a row per name each message's latest text mentions (Mentions.names: ASCII
-- lower case, at most 20 names a message), which a user's unread mentions are counted by (SqlReadPositions): the
-- count reads at most its matches, never a text. Row security and the tenant's cascade as every tenant table (V8).
-- The second index finds a message's rows when it is edited or deleted.
CREATE TABLE mentions (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    room text NOT NULL,
    name text NOT NULL,
    seq bigint NOT NULL,
    sender text NOT NULL,
    -- the count reads the key alone: sender is in it, not in the table's rows
    PRIMARY KEY (tenant_id, room, name, seq) INCLUDE (sender),
    CONSTRAINT mentions_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX mentions_message ON mentions (tenant_id, room, seq);
ALTER TABLE mentions ENABLE ROW LEVEL SECURITY;
ALTER TABLE mentions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON mentions
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
GRANT SELECT, INSERT, UPDATE, DELETE ON mentions TO chat_app;

-- The tenants whose messages stored before this migration have their rows (io.chat.history.MentionBackfill: a node
-- opening a tenant not listed here adds them, in batches, then lists it).
CREATE TABLE mention_backfills (
    tenant_id text PRIMARY KEY DEFAULT current_setting('chat.tenant'),
    CONSTRAINT mention_backfills_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
ALTER TABLE mention_backfills ENABLE ROW LEVEL SECURITY;
ALTER TABLE mention_backfills FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON mention_backfills
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
GRANT SELECT, INSERT, DELETE ON mention_backfills TO chat_app;

-- A message's text changed by a statement that does not write its mentions (a node of the previous version editing or
-- deleting it during a rolling upgrade) leaves no stale rows: they go with the old text. A node of this version
-- writes the new text's rows after its UPDATE, so for it this deletes what it replaces anyway.
CREATE FUNCTION chat_forget_mentions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM mentions m WHERE m.tenant_id = OLD.tenant_id AND m.room = OLD.room AND m.seq = OLD.seq;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_text_changed AFTER UPDATE OF text ON messages
    FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text) EXECUTE FUNCTION chat_forget_mentions();

-- The rows of a node's batch of new messages (io.chat.history.PostgresAppends), after chat_append_grouped (V6) in
-- the same transaction, for any number of tenants in one call: p_ends[k] is where tenant p_tenants[k]'s rows end in
-- the other arrays (1-based), as in V6. Each tenant's rows are inserted under its own setting, so row security checks
-- them. SECURITY INVOKER (the default), as V6. V6's function is unchanged: a node of the previous version appends
-- through it as before, without rows (see docs/CONTRACT.md, "Mentions").
CREATE FUNCTION chat_add_mentions(
    p_tenants text[], p_ends int[], p_rooms text[], p_seqs bigint[], p_senders text[], p_names text[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    k int;
    lo int := 1;
    hi int;
BEGIN
    FOR k IN 1 .. coalesce(cardinality(p_tenants), 0) LOOP
        hi := p_ends[k];
        PERFORM set_config('chat.tenant', p_tenants[k], true);
        INSERT INTO mentions (room, seq, sender, name)
        SELECT * FROM unnest(p_rooms[lo:hi], p_seqs[lo:hi], p_senders[lo:hi], p_names[lo:hi]);
        lo := hi + 1;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION chat_add_mentions(text[], int[], text[], bigint[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chat_add_mentions(text[], int[], text[], bigint[], text[], text[]) TO chat_app;
