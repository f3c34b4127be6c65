package io.chat;

import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineServer;
import io.helidon.webserver.WebServer;
import java.time.Duration;
import java.util.List;

/** A started server, what runs on it, and what must be closed after it. */
public record Running(
        WebServer webServer, SocketIoServer io, List<EngineServer> engines, List<AutoCloseable> resources) {
    private static final System.Logger LOGGER = System.getLogger(Running.class.getName());
    static final String ADMIN_SOCKET = "admin";
    /** How long a stop waits for the close frames of open connections to be written. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofMillis(500);

    public int port() {
        return webServer.port();
    }

    public int adminPort() {
        return webServer.port(ADMIN_SOCKET);
    }

    /** Tells every client, stops the server, then closes stores (pending writes complete first). */
    public void stop() {
        // first refuse new handshakes and upgrades (503, and clients retry elsewhere or later): one started now
        // would be cut off without a word by the steps below
        engines.forEach(EngineServer::stopAccepting);
        boolean anyone = engines.stream().anyMatch(engine -> engine.sessionCount() > 0);
        engines.forEach(EngineServer::shutdown);
        io.shutdown();
        if (anyone) {
            // the close frames queued above are written by each connection's writer; stopping Helidon at once
            // cut some of them off (clients saw the TCP connection end instead of being told), so give them a
            // moment, bounded, before the listeners and connections go
            try {
                Thread.sleep(SHUTDOWN_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        webServer.stop();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "event=stop outcome=failed resource="
                                + resource.getClass().getSimpleName());
            }
        }
    }
}
