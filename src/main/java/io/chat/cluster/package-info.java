/**
 * The node's part in a cluster: what one node does that the others must follow, sent over the Socket.IO Redis
 * adapter's server-side events (tenants provisioned, suspended, resumed or deleted; a user deleted; a session
 * revoked), and applied when another node sends it ({@link io.chat.cluster.ClusterLink}); and each tenant's presence,
 * socket quotas and message rate held by the cluster rather than by each node ({@link io.chat.cluster.ClusterPeers},
 * the chat's {@code Peers} in a cluster). Room fan-out needs nothing here: the namespaces' Redis adapter carries every
 * broadcast (typing and announcements included). Depends on the chat, the tenants and the Redis adapter; nothing
 * depends on it but Main.
 *
 * <p>Why presence is kept this way. "Online" and "in a room" must change once for the cluster ({@code user:online}
 * when a user's first socket anywhere connects, {@code user:offline} when the last one anywhere goes), which needs a
 * count that every node changes atomically: asking the other nodes (a server-side emit with acks) cannot tell two
 * tabs connecting at once on two nodes apart, and a killed node never answers. So each node keeps, in one Redis hash
 * of its own, what it holds (a user online, a user in a room, its sockets), changed by a Lua script only when this
 * node's own count goes 0 → 1 or 1 → 0 (a second tab on the same node costs no round trip), and the script answers
 * the sum over the live nodes. Nodes beat every 2 s in a sorted set; a node silent for 10 s is dead, and the nodes
 * that beat after that take its hash apart, 1,000 fields per script call (a big node's reap never holds Redis for
 * long; what is not yet taken out still counts), and announce {@code user:offline} / {@code room:left} for what no
 * live node holds: a killed node's users go offline within 12 s (a node of 100,000 fields: ~1 s more). The lists
 * ({@code presence:list},
 * {@code rooms:list}, {@code room:join}'s members) are kept by the same scripts, in the same step, from the same sums
 * (a hash of users per room, a sorted set of a tenant's rooms by their users), so an answer costs what it lists:
 * fetching every node's sockets with their rooms, socket.io's way, cost a tenant's every socket per list.
 *
 * <p>Limits. A CONNECT reserves a place in the cluster's socket counts (per tenant, per user) in the same hashes,
 * after this node's own quota gave one (the CONNECT waits for Redis anyway, for the token). {@code message:send}
 * takes from this node's buckets first (a flood is refused without a round trip: this node's takes are a part of the
 * cluster's), then from a token bucket in Redis (a Lua call, answered asynchronously: the send continues on the
 * answer, no thread waits; a node takes a few tokens at a time, as many as it took in the last 200 ms, and spends them
 * within 400 ms at most, Redis counting them as held meanwhile, {@code BucketLeases}); so does every other event, from
 * the user's event bucket. When Redis cannot be reached,
 * every one of these falls back on this node's own figures.
 *
 * <p>Drift. A count changed while Redis could not be reached, or every count after Redis restarted empty (or after
 * this node was taken for dead), would leave the cluster's figures wrong for good; so a node sets its hash to what it
 * holds by its own counts ({@code TenantPeers.reconcile}) at the first beat after a failed one, when it finds itself
 * missing from the set of nodes or its reap begun, and every minute anyway. The socket cap held again 3 s after
 * Redis restarted empty
 * ({@code ClusterPresenceTest}; never before).
 */
package io.chat.cluster;
