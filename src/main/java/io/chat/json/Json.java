package io.chat.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON mapper of the application (REST bodies, tenant definitions, chat event arguments), with the limits that
 * keep a hostile body cheap to refuse. The Socket.IO layer keeps its own for the wire ({@code io.chat.socketio.Json}):
 * it is a library that imports nothing of ours; the two are configured alike on purpose, so a payload reads the
 * same on either path.
 */
public final class Json {
    /** Deeper JSON than this is refused as a parse error; no body or payload of ours comes near it. */
    public static final int MAX_NESTING_DEPTH = 64;
    /**
     * More tokens than this in one document is refused as a parse error: a body's size alone does not bound its tree
     * (64 KiB of {@code [{},{},...]} is ~20,000 nodes); no body or tenant definition of ours comes near it.
     */
    public static final long MAX_TOKENS = 10_000;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxTokenCount(MAX_TOKENS)
                    .build())
            // one shared, bounded pool of parse/write buffers: Jackson's default keeps ~16 KB of them in a ThreadLocal
            // of every thread that ever used the mapper, and each connection reads on a virtual thread of its own
            // (16 KB held by every idle socket)
            .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
            // characters outside the BMP travel as the UTF-8 the client sent, not as escaped surrogate pairs
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build());

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
