package io.chat.bench;

import io.chat.Launch;
import io.chat.Running;
import io.chat.socketio.Namespace;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;

/**
 * W1 on our engine: a Socket.IO server wired by {@link Launch} (the same wiring as the platform and the
 * tests) whose default namespace answers the benchmark's two events, like every other W1 server:
 * {@code join (room, ack)} joins the room and acks {@code "ok"}; {@code m (room, payload)} emits
 * {@code m payload} to every socket of the room, the sender too. Usage: {@code EngineFanoutServer <port>}.
 */
public final class EngineFanoutServer {
    private EngineFanoutServer() {}

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults());
        Namespace ns = io.of("/");
        ns.on("join", (socket, a, ack) -> {
            socket.join(a.get(0).asText());
            ack.send("ok");
        });
        ns.on("m", (socket, a, ack) -> ns.to(a.get(0).asText())
                .emit("m", a.get(1).asText()));
        Running running = Launch.of(io).port(port).start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(running::stop));
        System.out.println("engine fan-out server listening on " + running.port());
    }
}
