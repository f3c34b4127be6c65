-- The search index (V12) is a GIN index with fast update: an insert only appends its words to the index's pending
-- list, and the insert that finds the list past gin_pending_list_limit (4 MB) merges all of it into the index
-- itself, inside the writer's transaction. Measured (W5 durable, 3,200 messages/s): that insert took 108-165 ms
-- (90,000 buffers touched for 4 rows) every ~6 s, and every ack of the node waited behind it (ack p99 150-340 ms).
-- Each node calls this function twice a second on a connection of its own (PostgresSearchIndexCleaner), so the list
-- stays far below the limit and no insert merges it; an insert never waits for a merge under way (PostgreSQL's
-- inserters skip the merge when another backend holds it).
--
-- SECURITY DEFINER: gin_clean_pending_list needs the index's owner, and the runtime role owns nothing (V1). It takes
-- no argument, names the index by its schema, and searches pg_catalog only. One node merges at a time: another
-- node's call returns -1 at once instead of queueing behind it.
DO $do$
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION chat_clean_search_index() RETURNS bigint
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $body$
            SELECT CASE WHEN pg_try_advisory_xact_lock(7215036840291855451)
                        THEN gin_clean_pending_list(%L::regclass) ELSE -1 END
        $body$$f$, format('%I.messages_search', current_schema()));
END
$do$;
REVOKE ALL ON FUNCTION chat_clean_search_index() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chat_clean_search_index() TO chat_app;
