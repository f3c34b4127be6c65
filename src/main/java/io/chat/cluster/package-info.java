/**
 * The node's part in a cluster: what one node does that the others must follow, sent over the Socket.IO Redis
 * adapter's server-side events (tenants provisioned, suspended, resumed or deleted; a user deleted; a session
 * revoked), and applied when another node sends it. Room fan-out needs nothing here: the namespaces' Redis adapter
 * carries every broadcast. Depends on the chat, the tenants and the Redis adapter; nothing depends on it but Main.
 */
package io.chat.cluster;
