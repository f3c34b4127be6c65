-- A node's batch of one tenant's appends in one round trip (then COMMIT): with the writer's connection waiting for
-- every statement, the round trips were most of a batch's time on a busy machine (six per batch before, two now).
-- SECURITY INVOKER (the default): it runs as chat_app, under the tables' row security like any other statement.
--
-- 1. Lock the rooms' counter rows in room order, creating the missing ones (every node locks in (tenant, room)
--    order, so nodes never deadlock); the locks are held to commit, so a second node appending to a room waits for
--    this commit and numbers after it: seqs gap-free and in commit order across nodes; a rollback undoes the
--    counters with the rows.
-- 2. Only then, in a new statement (READ COMMITTED: a new snapshot, which sees a resend another node committed while
--    this one waited), find the clientIds already stored, number the new messages after the counters, insert them,
--    move the counters, and answer every append in input order: a clientId stored before or earlier in the batch
--    answers with that message and duplicate = true.
CREATE FUNCTION chat_append(
    p_tenant text, p_rooms text[], p_senders text[], p_texts bytea[], p_client_ids text[], p_ids uuid[], p_ts bigint)
RETURNS TABLE (r_ord bigint, r_seq bigint, r_id uuid, r_text bytea, r_ts bigint, r_duplicate boolean)
LANGUAGE plpgsql
AS $$
DECLARE
    locked_rooms text[];
    last_seqs bigint[];
BEGIN
    PERFORM set_config('chat.tenant', p_tenant, true);

    WITH locked AS (
        INSERT INTO room_counters AS c (tenant_id, room, last_seq)
        SELECT p_tenant, rooms.room, 0
        FROM (SELECT DISTINCT r AS room FROM unnest(p_rooms) AS r ORDER BY r) AS rooms
        ON CONFLICT (tenant_id, room) DO UPDATE SET last_seq = c.last_seq
        RETURNING c.room, c.last_seq)
    SELECT array_agg(locked.room), array_agg(locked.last_seq) INTO locked_rooms, last_seqs FROM locked;

    RETURN QUERY
    WITH input AS (
        SELECT i.ord, i.room, i.sender, i.text, i.client_id, i.id,
               row_number() OVER (PARTITION BY i.room, i.sender, i.client_id ORDER BY i.ord) AS occurrence
        FROM unnest(p_rooms, p_senders, p_texts, p_client_ids, p_ids)
             WITH ORDINALITY AS i (room, sender, text, client_id, id, ord)),
    stored AS (
        SELECT m.room, m.sender, m.client_id, m.seq, m.id, m.text, m.ts
        FROM messages m
        JOIN (SELECT DISTINCT k.room, k.sender, k.client_id FROM input k WHERE k.client_id IS NOT NULL) AS keys
          ON m.room = keys.room AND m.sender = keys.sender AND m.client_id = keys.client_id
        WHERE m.tenant_id = p_tenant),
    numbered AS (
        SELECT i.ord, i.room, i.sender, i.text, i.client_id, i.id,
               l.last_seq + row_number() OVER (PARTITION BY i.room ORDER BY i.ord) AS seq
        FROM input i
        JOIN unnest(locked_rooms, last_seqs) AS l (room, last_seq) ON l.room = i.room
        WHERE i.client_id IS NULL
           OR (i.occurrence = 1
               AND NOT EXISTS (SELECT 1 FROM stored s
                               WHERE s.room = i.room AND s.sender = i.sender AND s.client_id = i.client_id))),
    inserted AS (
        INSERT INTO messages (tenant_id, room, seq, id, sender, text, ts, client_id)
        SELECT p_tenant, n.room, n.seq, n.id, n.sender, n.text, p_ts, n.client_id FROM numbered n
        RETURNING 1),
    moved AS (
        UPDATE room_counters c SET last_seq = x.last_seq
        FROM (SELECT n.room, max(n.seq) AS last_seq FROM numbered n GROUP BY n.room) AS x
        WHERE c.tenant_id = p_tenant AND c.room = x.room
        RETURNING 1)
    SELECT i.ord,
           coalesce(n.seq, s.seq, f.seq),
           coalesce(n.id, s.id, f.id),
           coalesce(n.text, s.text, f.text),
           CASE WHEN n.seq IS NULL AND s.seq IS NOT NULL THEN s.ts ELSE p_ts END,
           n.seq IS NULL
    FROM input i
    LEFT JOIN numbered n ON n.ord = i.ord
    LEFT JOIN stored s
      ON n.ord IS NULL AND s.room = i.room AND s.sender = i.sender AND s.client_id = i.client_id
    LEFT JOIN numbered f
      ON n.ord IS NULL AND s.seq IS NULL AND f.room = i.room AND f.sender = i.sender AND f.client_id = i.client_id
         AND f.ord <> i.ord
    ORDER BY i.ord;
END
$$;

REVOKE ALL ON FUNCTION chat_append(text, text[], text[], bytea[], text[], uuid[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chat_append(text, text[], text[], bytea[], text[], uuid[], bigint) TO chat_app;
