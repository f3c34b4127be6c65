-- The names each message mentions (io.chat.history.Mentions.names: " alice bob room ", ASCII lower case; empty when
-- none), written beside its text by the node, so that counting a user's unread mentions (SqlReadPositions) compares
-- this short column in the database instead of sending every unread text with an @ to the node: a review measured
-- ~3 s of a shared read thread for one rooms:mine over 100 rooms of 4,000-character texts. Null for rows written
-- before this migration (and by a node still running the previous version during a rolling upgrade, which calls
-- V6's function): for those the node reads the text as before. Adding a nullable column without a default rewrites
-- nothing.
ALTER TABLE messages ADD COLUMN mentioned text;

-- V6's function with the names as one more array, p_mentioned (parallel to p_texts). V6's stays for nodes of the
-- previous version; this one is V6's in every other respect (see V6 for its steps and settings).
CREATE FUNCTION chat_append_grouped(
    p_tenants text[], p_ends int[], p_rooms text[], p_senders text[], p_texts bytea[], p_client_ids text[],
    p_ids uuid[], p_ts bigint, p_mentioned text[])
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
            SELECT i.ord + lo - 1 AS ord, i.room, i.sender, i.text, i.client_id, i.id, i.mentioned
            FROM unnest(p_rooms[lo:hi], p_senders[lo:hi], p_texts[lo:hi], p_client_ids[lo:hi], p_ids[lo:hi],
                        p_mentioned[lo:hi])
                 WITH ORDINALITY AS i (room, sender, text, client_id, id, mentioned, ord)),
        stored AS (
            SELECT i.ord, m.seq, m.id, m.text, m.ts
            FROM input i
            CROSS JOIN LATERAL (
                SELECT s.seq, s.id, s.text, s.ts FROM messages s
                WHERE s.tenant_id = tenant AND s.sender = i.sender AND s.room = i.room AND s.client_id = i.client_id
                LIMIT 1) AS m
            WHERE i.client_id IS NOT NULL),
        numbered AS (
            SELECT i.ord, i.room, i.sender, i.text, i.client_id, i.id, i.mentioned,
                   l.last_seq + row_number() OVER (PARTITION BY i.room ORDER BY i.ord) AS seq
            FROM input i
            JOIN unnest(locked_rooms, last_seqs) AS l (room, last_seq) ON l.room = i.room
            WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.ord = i.ord)),
        inserted AS (
            INSERT INTO messages (tenant_id, room, seq, id, sender, text, ts, client_id, mentioned)
            SELECT tenant, n.room, n.seq, n.id, n.sender, n.text, p_ts, n.client_id, n.mentioned FROM numbered n),
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

REVOKE ALL ON FUNCTION chat_append_grouped(text[], int[], text[], text[], bytea[], text[], uuid[], bigint, text[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chat_append_grouped(text[], int[], text[], text[], bytea[], text[], uuid[], bigint, text[])
    TO chat_app;
