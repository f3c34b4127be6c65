package io.chat.socketio.redis;

/**
 * Counters of one server's Redis traffic since it joined.
 *
 * @param published         messages Redis accepted
 * @param publishesDropped  messages never sent because too many were pending ({@code maxPendingPublishes}), or
 *                          because one was larger than {@code maxInboundBytes.message}, which no node would take
 * @param publishesFailed   messages Redis refused or that failed on the way (Redis down: they are not retried)
 * @param received          messages received from Redis
 * @param receivedDropped   messages dropped because too many received ones were waiting ({@code maxInboundMessages}
 *                          or {@code maxInboundBytes.waiting}), or because one was larger than
 *                          {@code maxInboundBytes.message} (those are also counted in {@code receivedOversized})
 * @param receivedOversized messages dropped because larger than {@code maxInboundBytes.message}
 * @param receivedMalformed messages ignored because they were not what the protocol sends (bad MessagePack, a
 *                          missing field)
 */
public record ClusterStats(
        long published,
        long publishesDropped,
        long publishesFailed,
        long received,
        long receivedDropped,
        long receivedOversized,
        long receivedMalformed) {}
