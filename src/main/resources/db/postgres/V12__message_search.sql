-- Search of messages (io.chat.history.PostgresSearch): the words of each message's text, kept by PostgreSQL itself in
-- a generated column (an edit or a deletion rewrites it with the row; a deleted message's text is empty, and so are
-- its words), with a GIN index. The 'simple' configuration lowercases and drops nothing: no stemming, no stop words,
-- the same in every language. Entries that are not messages (edits, deletions, reactions) have none.
--
-- The text is UTF-8 bytes (V1); convert_from is not IMMUTABLE (a generated column needs that) and fails on a zero
-- byte, which a message may hold: this function removes zero bytes and converts. IMMUTABLE is true of it: the
-- result depends on the bytes alone (the database's encoding is UTF8 and does not change).
CREATE FUNCTION chat_search_vector(body bytea) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    zero integer := position('\x00'::bytea IN body);
BEGIN
    WHILE zero > 0 LOOP
        body := substring(body FROM 1 FOR zero - 1) || substring(body FROM zero + 1);
        zero := position('\x00'::bytea IN body);
    END LOOP;
    RETURN to_tsvector('simple'::regconfig, convert_from(body, 'UTF8'));
END
$$;

ALTER TABLE messages
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (CASE WHEN kind = 0 THEN chat_search_vector(text) END) STORED;

CREATE INDEX messages_search ON messages USING gin (search_vector);
