/**
 * A Redis adapter for the Socket.IO server, wire-compatible with the official {@code @socket.io/redis-adapter} 8.x
 * (its classic protocol, the one {@code @socket.io/redis-emitter} speaks too): broadcasts published as notepack-style
 * MessagePack on {@code socket.io#<nsp>#[<room>#]}, requests and responses on {@code socket.io-request#<nsp>#} and
 * {@code socket.io-response#<nsp>#}. Unlike the official adapter's one pattern per namespace ({@code PSUBSCRIBE
 * socket.io#<nsp>#*}, which Redis walks at every PUBLISH), a server subscribes exact channels only: per namespace its
 * broadcast, request and response channels, and per room with a socket of this server (socket id rooms included) the
 * room's channel, unsubscribed when its last local socket leaves. What is published is the official adapter's, so
 * Node's servers, the emitter and our servers share one Redis and reach each other's sockets. See
 * docs/cluster-design.md and docs/cluster-capacity.md.
 *
 * <p>{@link io.chat.socketio.redis.RedisCluster} is one server's membership (its Redis connections, uid, queues);
 * its {@link io.chat.socketio.redis.RedisCluster#adapterFactory() adapter factory} goes to
 * {@code SocketIoServer.adapter(...)}; each namespace's {@link io.chat.socketio.redis.RedisAdapter} keeps its local
 * rooms in an {@code InMemoryAdapter} and offers the cluster-wide operations (fetch, join, leave, disconnect,
 * server-side emit, broadcast with acks).
 *
 * <p>Depends on {@code socketio} only, of ours (and Lettuce, msgpack-core); knows no tenant.
 */
package io.chat.socketio.redis;
