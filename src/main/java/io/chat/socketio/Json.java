package io.chat.socketio;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The JSON mapper of the protocol layer, with limits that keep hostile payloads cheap to refuse. Its own, not the
 * application's ({@code io.chat.json.Json}): this package is a library that imports nothing else of ours.
 */
public final class Json {
    /** Deeper JSON than this is refused as a parse error; no chat payload comes near it. */
    public static final int MAX_NESTING_DEPTH = 64;
    /**
     * More JSON tokens in one packet than this are refused as a parse error: a tree costs far more than its text
     * (1 MB of {@code [{},{},...]} made ~30 MB of heap), so the message size alone does not bound what a packet
     * holds. A chat event has a few dozen; 10,000 keep a packet's tree under ~1 MB besides its strings.
     */
    public static final long MAX_TOKENS = 10_000;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
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
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    /** The wire's mapper, for code of this package and its tests. */
    static ObjectMapper mapper() {
        return MAPPER;
    }
}
