package io.chat.bench;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;

/**
 * W1 peer: netty-socketio 2.0.13 with the benchmark's two events ({@code join (room, ack)},
 * {@code m (room, payload)} → {@code m payload} to the whole room). Usage: {@code NettyFanoutServer <port>}.
 */
public final class NettyFanoutServer {
    private NettyFanoutServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Configuration config = new Configuration();
        config.setHostname("0.0.0.0");
        config.setPort(port);
        config.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        SocketIOServer server = new SocketIOServer(config);
        server.addEventListener("join", String.class, (SocketIOClient client, String room, AckRequest ack) -> {
            client.joinRoom(room);
            if (ack.isAckRequested()) {
                ack.sendAckData("ok");
            }
        });
        server.addMultiTypeEventListener(
                "m",
                (client, data, ack) -> {
                    String room = data.get(0);
                    Object payload = data.get(1);
                    server.getRoomOperations(room).sendEvent("m", payload);
                },
                String.class,
                String.class);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("netty-socketio server listening on " + port);
        Thread.currentThread().join();
    }
}
