-- A node's batch of appends of many tenants in one round trip: chat_append for each tenant, in tenant order (the
-- nodes' common lock order is (tenant, room)). The arrays hold the appends in any order; the answer
-- gives each append's position in the arrays (r_ord, from 1). Leaves the last tenant set: callers set theirs again.
CREATE FUNCTION chat_append_batch(
    p_tenants text[], p_rooms text[], p_senders text[], p_texts bytea[], p_client_ids text[], p_ids uuid[],
    p_ts bigint)
RETURNS TABLE (r_ord bigint, r_seq bigint, r_id uuid, r_text bytea, r_ts bigint, r_duplicate boolean)
LANGUAGE plpgsql
AS $$
DECLARE
    tenant text;
    positions bigint[];
BEGIN
    FOR tenant IN SELECT DISTINCT t FROM unnest(p_tenants) AS t ORDER BY t LOOP
        SELECT array_agg(u.ord ORDER BY u.ord) INTO positions
        FROM unnest(p_tenants) WITH ORDINALITY AS u (t, ord) WHERE u.t = tenant;
        RETURN QUERY
        SELECT positions[a.r_ord], a.r_seq, a.r_id, a.r_text, a.r_ts, a.r_duplicate
        FROM chat_append(
            tenant,
            ARRAY(SELECT p_rooms[u.p] FROM unnest(positions) WITH ORDINALITY AS u (p, n) ORDER BY u.n),
            ARRAY(SELECT p_senders[u.p] FROM unnest(positions) WITH ORDINALITY AS u (p, n) ORDER BY u.n),
            ARRAY(SELECT p_texts[u.p] FROM unnest(positions) WITH ORDINALITY AS u (p, n) ORDER BY u.n),
            ARRAY(SELECT p_client_ids[u.p] FROM unnest(positions) WITH ORDINALITY AS u (p, n) ORDER BY u.n),
            ARRAY(SELECT p_ids[u.p] FROM unnest(positions) WITH ORDINALITY AS u (p, n) ORDER BY u.n),
            p_ts) AS a;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION chat_append_batch(text[], text[], text[], bytea[], text[], uuid[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chat_append_batch(text[], text[], text[], bytea[], text[], uuid[], bigint) TO chat_app;
