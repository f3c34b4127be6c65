-- The room directory and lasting membership (io.chat.history.RoomStore): which rooms each user joined and has not
-- left, and each room's topic. Tenant rows and row security as in V1: the application works as chat_app, and a
-- statement sees and writes only the rows of the tenant its transaction named. No foreign key to users: a JWT
-- tenant's users are in no table.

CREATE TABLE memberships (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    username text NOT NULL,
    room text NOT NULL,
    joined_at bigint NOT NULL, -- epoch milliseconds
    PRIMARY KEY (tenant_id, username, room)
);

-- the directory's member counts and names
CREATE INDEX memberships_room ON memberships (tenant_id, room);

CREATE TABLE rooms (
    tenant_id text NOT NULL DEFAULT current_setting('chat.tenant'),
    room text NOT NULL,
    topic text,
    topic_by text,
    topic_at bigint, -- epoch milliseconds
    created_at bigint NOT NULL, -- epoch milliseconds
    PRIMARY KEY (tenant_id, room)
);

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
ALTER TABLE rooms ENABLE ROW LEVEL SECURITY;
ALTER TABLE rooms FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_only ON memberships
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));
CREATE POLICY tenant_only ON rooms
    USING (tenant_id = current_setting('chat.tenant')) WITH CHECK (tenant_id = current_setting('chat.tenant'));

GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, rooms TO chat_app;
