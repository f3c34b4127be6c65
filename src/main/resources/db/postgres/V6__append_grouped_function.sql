-- A node's batch of appends, of any number of tenants, in one call, set-based: replaces chat_append_batch (V3) and
-- chat_append (V2) in the writer, which were ~3x dearer per row (docs/postgres-store.md, "Throughput"). The caller
-- (io.chat.history.PostgresAppends) sends the appends grouped by tenant, tenants in order (p_tenants distinct and
-- sorted, p_ends[k] the position of tenant k's last append), each tenant's in submission order, and without clientIds
-- repeated within the batch (it answers those itself): so no per-tenant copying of the arrays (slices instead), no
-- window over clientIds, no join back to the input.
--
-- SECURITY INVOKER (the default): it runs as chat_app under the tables' row security like any other statement. Row
-- security applies per statement, so each tenant gets statements of its own, after setting its tenant.
--
-- Per tenant:
-- 1. Lock the rooms' counter rows in room order, creating the missing ones (every node locks in (tenant, room) order,
--    so nodes never deadlock); the locks are held to commit, so a second node appending to a room waits for this
--    commit and numbers after it: seqs gap-free and in commit order across nodes; a rollback undoes the counters with
--    the rows.
-- 2. Only then, in a new statement (READ COMMITTED: a new snapshot, which sees a resend another node committed while
--    this one waited), find the clientIds already stored, number the others after the counters (row_number per room,
--    in submission order), insert them and move the counters.
-- Answers one row per append: r_ord its position in the arrays (from 1) and its seq; r_id, r_text and r_ts are null
-- for a new message (the caller has them) and the stored message's for a clientId stored before (a duplicate).
-- Leaves the last tenant set: callers set theirs again.
CREATE FUNCTION chat_append_grouped(
    p_tenants text[], p_ends int[], p_rooms text[], p_senders text[], p_texts bytea[], p_client_ids text[],
    p_ids uuid[], p_ts bigint)
RETURNS TABLE (r_ord bigint, r_seq bigint, r_id uuid, r_text bytea, r_ts bigint)
LANGUAGE plpgsql
-- One index probe per append whatever the statistics say: the cached generic plan of V2's lookup was seen to hash-join
-- the batch with a bitmap scan of all the tenant's messages (each batch reading the whole tenant: 26,000 rows after
-- 15 s of the benchmark, most of a batch's time), as a young table's statistics and a parameter for the tenant make
-- that look cheap. So the lookup is a LATERAL probe (a nested loop by construction), and scans that read a table
-- other than through an index are ruled out: nothing here needs more than the batch's keys.
SET enable_seqscan = off
SET enable_bitmapscan = off
-- Planned once per connection, not per call: a batch of many tenants runs these statements once per tenant, and
-- planning them (custom plans) was most of a tenant's cost; the plan above is right for any parameters.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    k int;
    tenant text;
    lo int := 1;
    hi int;
    locked_rooms text[];
    last_seqs bigint[];
BEGIN
    FOR k IN 1 .. coalesce(cardinality(p_tenants), 0) LOOP
        tenant := p_tenants[k];
        hi := p_ends[k];
        PERFORM set_config('chat.tenant', tenant, true);

        WITH locked AS (
            INSERT INTO room_counters AS c (tenant_id, room, last_seq)
            SELECT tenant, rooms.room, 0
            FROM (SELECT DISTINCT r AS room FROM unnest(p_rooms[lo:hi]) AS r ORDER BY r) AS rooms
            ON CONFLICT (tenant_id, room) DO UPDATE SET last_seq = c.last_seq
            RETURNING c.room, c.last_seq)
        SELECT array_agg(locked.room), array_agg(locked.last_seq) INTO locked_rooms, last_seqs FROM locked;

        RETURN QUERY
        WITH input AS (
            SELECT i.ord + lo - 1 AS ord, i.room, i.sender, i.text, i.client_id, i.id
            FROM unnest(p_rooms[lo:hi], p_senders[lo:hi], p_texts[lo:hi], p_client_ids[lo:hi], p_ids[lo:hi])
                 WITH ORDINALITY AS i (room, sender, text, client_id, id, ord)),
        stored AS (
            SELECT i.ord, m.seq, m.id, m.text, m.ts
            FROM input i
            CROSS JOIN LATERAL (
                SELECT s.seq, s.id, s.text, s.ts FROM messages s
                WHERE s.tenant_id = tenant AND s.sender = i.sender AND s.room = i.room AND s.client_id = i.client_id
                LIMIT 1) AS m
            WHERE i.client_id IS NOT NULL),
        numbered AS (
            SELECT i.ord, i.room, i.sender, i.text, i.client_id, i.id,
                   l.last_seq + row_number() OVER (PARTITION BY i.room ORDER BY i.ord) AS seq
            FROM input i
            JOIN unnest(locked_rooms, last_seqs) AS l (room, last_seq) ON l.room = i.room
            WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.ord = i.ord)),
        inserted AS (
            INSERT INTO messages (tenant_id, room, seq, id, sender, text, ts, client_id)
            SELECT tenant, n.room, n.seq, n.id, n.sender, n.text, p_ts, n.client_id FROM numbered n),
        moved AS (
            UPDATE room_counters c SET last_seq = x.last_seq
            FROM (SELECT n.room, max(n.seq) AS last_seq FROM numbered n GROUP BY n.room) AS x
            WHERE c.tenant_id = tenant AND c.room = x.room)
        SELECT n.ord, n.seq, NULL::uuid, NULL::bytea, NULL::bigint FROM numbered n
        UNION ALL
        SELECT s.ord, s.seq, s.id, s.text, s.ts FROM stored s;

        lo := hi + 1;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION chat_append_grouped(text[], int[], text[], text[], bytea[], text[], uuid[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chat_append_grouped(text[], int[], text[], text[], bytea[], text[], uuid[], bigint)
    TO chat_app;
