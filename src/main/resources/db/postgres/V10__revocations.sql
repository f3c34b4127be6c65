-- Sessions that ended before their expiry (a logout; a deleted user takes its sessions with it), kept for the nodes.
-- A node tells the others such an end over Redis at once; a notice lost there (Redis down or restarting) would leave a
-- socket of that session open on another node until its credential expired. So the row is written by the database in
-- the transaction that deletes the session, and every node reads the last minute's rows every few seconds
-- (ClusterLink): the socket is dropped even when the notice was lost. Not a tenant's table (no row security): only
-- the nodes read it, never a tenant's request; a tenant's deletion removes its rows (PostgresTenantRecords.delete).
CREATE TABLE revocations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    token_hash text NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX revocations_at ON revocations (revoked_at);

CREATE FUNCTION record_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revocations (tenant_id, token_hash) VALUES (OLD.tenant_id, OLD.token_hash);
    RETURN NULL;
END
$$;

-- an expired session's deletion (the nodes' sweep) ends nothing: its sockets ended at its expiry
CREATE TRIGGER sessions_revoked AFTER DELETE ON sessions FOR EACH ROW
    WHEN (OLD.expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
    EXECUTE FUNCTION record_revocation();

GRANT SELECT, INSERT, DELETE ON revocations TO chat_app;
