-- A tenant's rows belong to its row in tenants: deleting the tenant deletes them with it (ON DELETE CASCADE), and a
-- row for a tenant that is not in tenants is refused. Messages have no key of their own: every append upserts its
-- rooms' counters in the same statement (chat_append_grouped), and a counter of a deleted tenant is gone, so the
-- upsert inserts and the key refuses the whole append. A key on messages checked every appended row (PostgresAppendBench,
-- 1 tenant, 200 senders, 20 rooms, back to back at load 16-21: 3,620 and 4,530 acked/s and 35-40 ms of PostgreSQL CPU
-- per 1,000 against 5,835 and 6,541 acked/s and 28-33 ms without it); the counters' key is checked at most once per
-- room of an append batch, not per message (same bench at load 10-13: 7,382-8,564 acked/s, 27-29 ms CPU per 1,000,
-- against 6,754-15,534 acked/s, 26-27 ms without V8: within this machine's noise). A node that had not yet heard of a tenant's deletion (a lost
-- notice, or a write in flight) could otherwise still write users, sessions, messages or room counters for it after
-- the delete, and a tenant provisioned again with the same id would inherit them. Every writer inserts the tenant's
-- row first (the catalog when it provisions, scripts/migrate-to-cluster before the tenant's rows).
--
-- Rows such writes left before this migration have no tenant row: removed first, or the constraints would refuse to
-- be added. Row security binds the owner too (FORCE, V1), and current_setting('chat.tenant') is unset here: it is
-- lifted for the owner inside this migration's transaction only.

ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE messages NO FORCE ROW LEVEL SECURITY;
ALTER TABLE room_counters NO FORCE ROW LEVEL SECURITY;
ALTER TABLE memberships NO FORCE ROW LEVEL SECURITY;
ALTER TABLE rooms NO FORCE ROW LEVEL SECURITY;

DELETE FROM sessions s WHERE NOT EXISTS (SELECT FROM tenants t WHERE t.id = s.tenant_id);
DELETE FROM users u WHERE NOT EXISTS (SELECT FROM tenants t WHERE t.id = u.tenant_id);
DELETE FROM messages m WHERE NOT EXISTS (SELECT FROM tenants t WHERE t.id = m.tenant_id);
DELETE FROM room_counters c WHERE NOT EXISTS (SELECT FROM tenants t WHERE t.id = c.tenant_id);
DELETE FROM memberships m WHERE NOT EXISTS (SELECT FROM tenants t WHERE t.id = m.tenant_id);
DELETE FROM rooms r WHERE NOT EXISTS (SELECT FROM tenants t WHERE t.id = r.tenant_id);

-- each table's primary key starts with tenant_id: the cascade finds a tenant's rows by it
ALTER TABLE users ADD CONSTRAINT users_tenant
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD CONSTRAINT sessions_tenant
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE room_counters ADD CONSTRAINT room_counters_tenant
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
-- the rooms users keep and the rooms' topics (V7)
ALTER TABLE memberships ADD CONSTRAINT memberships_tenant
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE rooms ADD CONSTRAINT rooms_tenant
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;

ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
ALTER TABLE room_counters FORCE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
ALTER TABLE rooms FORCE ROW LEVEL SECURITY;
