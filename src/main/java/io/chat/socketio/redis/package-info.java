/**
 * A Redis adapter for the Socket.IO server, wire-compatible with the official {@code @socket.io/redis-adapter} 8.x
 * (its classic protocol, the one {@code @socket.io/redis-emitter} speaks too): broadcasts published as notepack-style
 * MessagePack on {@code socket.io#<nsp>#[<room>#]}, requests and responses on {@code socket.io-request#<nsp>#} and
 * {@code socket.io-response#<nsp>#}, one pattern subscription per namespace that exists on this server. Node's
 * servers, the emitter and our servers share one Redis and reach each other's sockets. See docs/cluster-design.md.
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
