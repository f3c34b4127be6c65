-- The cluster's store: one schema for every tenant, each row tagged with its tenant, isolation enforced by
-- row-level security (see io.chat.history.PostgresDatabase for why not a schema per tenant). Run by Flyway as the
-- owner of the tables; the application works as chat_app, which owns nothing and cannot bypass row security.
-- A transaction names its tenant with set_config('chat.tenant', id, true); current_setting('chat.tenant') without
-- missing_ok fails when it is unset, so a query that forgot its tenant fails instead of seeing every tenant.

CREATE TABLE room_counters (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    room text NOT NULL,
    -- the room's highest seq; its row lock, held to commit, orders the nodes appending to the room
    last_seq bigint NOT NULL,
    PRIMARY KEY (tenant_id, room)
) WITH (fillfactor = 70); -- last_seq is in no index: updates stay HOT

CREATE TABLE messages (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    room text NOT NULL,
    seq bigint NOT NULL,
    id uuid NOT NULL,
    sender text NOT NULL,
    -- UTF-8 bytes: PostgreSQL's text cannot hold U+0000, which a chat message may
    text bytea NOT NULL,
    ts bigint NOT NULL, -- epoch milliseconds
    client_id text,
    PRIMARY KEY (tenant_id, room, seq)
);

-- clientId idempotency, enforced by the database too
CREATE UNIQUE INDEX messages_client ON messages (tenant_id, sender, room, client_id) WHERE client_id IS NOT NULL;

CREATE TABLE users (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    username text NOT NULL,
    display_name text,
    password_hash text NOT NULL,
    created_at bigint NOT NULL, -- epoch milliseconds
    PRIMARY KEY (tenant_id, username)
);

-- The foreign key deletes a user's sessions with it and refuses a session for a user deleted meanwhile.
CREATE TABLE sessions (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    token_hash text NOT NULL,
    username text NOT NULL,
    expires_at bigint NOT NULL, -- epoch milliseconds
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, username) REFERENCES users (tenant_id, username) ON DELETE CASCADE
);

CREATE INDEX sessions_user ON sessions (tenant_id, username);
CREATE INDEX sessions_expiry ON sessions (tenant_id, expires_at);

-- FORCE: the policies bind the tables' owner too (only superusers and BYPASSRLS roles skip them).
ALTER TABLE room_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE room_counters FORCE ROW LEVEL SECURITY;
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;

-- USING filters the rows a statement sees, updates and deletes; WITH CHECK refuses rows it would write elsewhere.
CREATE POLICY tenant_only ON room_counters
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
CREATE POLICY tenant_only ON messages
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
CREATE POLICY tenant_only ON users
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
CREATE POLICY tenant_only ON sessions
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));

-- The runtime role: no login of its own (the application's login switches to it), owns nothing, no BYPASSRLS.
-- Roles belong to the whole server, not to one database: another database of the server may have made it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chat_app') THEN
        CREATE ROLE chat_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    END IF;
END
$$;
GRANT chat_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO chat_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON room_counters, messages, users, sessions TO chat_app;
