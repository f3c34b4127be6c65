package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.hardening.RawHttp.Answer;
import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP nobody should send: oversized headers, request lines and bodies, wrong methods and content types, and slow
 * clients that trickle their headers. Each gets a 4xx with no internals, and the server goes on serving others.
 */
@PlatformTest
class HttpAbuseTest {
    private static PlatformServer server;

    @BeforeAll
    static void provision() throws IOException {
        server.passwordTenant("web", "alice");
    }

    /** Sends raw bytes, returns the status code and what followed (0 when the server just closed). */
    private static Answer raw(String head, byte[] body) throws IOException {
        Answer answer = RawHttp.exchange("localhost", server.port(), head, body);
        Hygiene.assertClean(head.lines().findFirst().orElse(""), answer.text());
        return answer;
    }

    private static void assertServing() throws IOException {
        assertEquals(
                200,
                raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null)
                        .status());
    }

    @Test
    void oversizedHeadersAndRequestLinesAreRefused() throws IOException {
        Answer bigHeader = raw(
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\nConnection: close\r\n\r\n",
                null);
        assertTrue(Set.of(0, 400, 413, 431).contains(bigHeader.status()), bigHeader.text());
        StringBuilder many = new StringBuilder("GET /health HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 5000; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        Answer manyHeaders = raw(many + "Connection: close\r\n\r\n", null);
        assertTrue(Set.of(0, 400, 413, 431).contains(manyHeaders.status()), manyHeaders.text());
        Answer longLine =
                raw("GET /health?" + "q".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null);
        assertTrue(Set.of(0, 400, 414, 431).contains(longLine.status()), longLine.text());
        assertServing();
    }

    /**
     * Helidon reads a chunk of a chunked body whole, of any size its header declares, before a handler sees a byte of
     * it (a review: one stranger's chunked polling POST, chunk size 0x7fffffff, ran the heap out; a chunked login held
     * 80 MiB). A chunked body is refused before it is read (411), and no body may pass the largest message (413).
     */
    @Test
    void chunkedBodiesAreRefusedBeforeTheyAreRead() throws IOException {
        byte[] chunkStart = ("7fffffff\r\n" + "x".repeat(1_000)).getBytes(StandardCharsets.US_ASCII);
        Answer login = raw(
                "POST /api/tenants/web/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                chunkStart);
        assertEquals(411, login.status(), login.text());
        String open = raw(
                        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        null)
                .text();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7).split("\"")[0];
        Answer poll = raw(
                "POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                chunkStart);
        assertEquals(411, poll.status(), poll.text());
        assertServing();
    }

    @Test
    void oversizedBodiesAre413() throws IOException {
        byte[] big = ("{\"username\":\"alice\",\"password\":\"" + "p".repeat(2_000_000) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        Answer login = raw(
                "POST /api/tenants/web/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + big.length + "\r\nConnection: close\r\n\r\n",
                big);
        assertEquals(413, login.status(), login.text());
        // a polling POST over maxPayload (1 MB)
        String open = raw(
                        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        null)
                .text();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7).split("\"")[0];
        byte[] payload = ("4" + "x".repeat(1_100_000)).getBytes(StandardCharsets.US_ASCII);
        Answer poll = raw(
                "POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: " + payload.length
                        + "\r\nConnection: close\r\n\r\n",
                payload);
        assertEquals(413, poll.status(), poll.text());
        // a login is read before anyone is signed in: 8 KiB at most, refused on its Content-Length before it is read
        // (400: no user name and password are that long)
        byte[] nineKiB = ("{\"username\":\"alice\",\"password\":\"" + "p".repeat(9 * 1024) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        Answer overLogin = raw(
                "POST /api/tenants/web/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + nineKiB.length + "\r\nConnection: close\r\n\r\n",
                new byte[0]);
        assertEquals(400, overLogin.status(), overLogin.text());
        // a body announced far larger than what comes: answered by the limit, not waited for
        Answer lying = raw(
                "POST /api/tenants/web/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 999999999\r\nConnection: close\r\n\r\n",
                ("{\"username\":\"" + "u".repeat(70_000)).getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, lying.status(), lying.text());
        assertServing();
    }

    @Test
    void wrongMethodsAndContentTypesAreRefusedCleanly() throws Exception {
        for (String[] c : List.of(
                new String[] {"PUT", "/api/tenants/web/sessions"},
                new String[] {"GET", "/api/tenants/web/sessions"},
                new String[] {"PATCH", "/health"},
                new String[] {"DELETE", "/health"},
                new String[] {"TRACE", "/health"},
                new String[] {"PUT", "/socket.io/?EIO=4&transport=polling"},
                new String[] {"OPTIONS", "/api/tenants/web/sessions"},
                new String[] {"BREW", "/health"})) {
            Answer answer = raw(
                    c[0] + " " + c[1] + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", null);
            assertTrue(
                    answer.status() >= 400 && answer.status() < 500 || c[0].equals("OPTIONS") && answer.status() < 500,
                    c[0] + " " + c[1] + " -> " + answer.text());
            assertFalse(answer.text().contains("TRACE /health"), "TRACE is not echoed");
        }
        for (String type : List.of(
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset=ISO-8859-1")) {
            byte[] body =
                    "{\"username\":\"alice\",\"password\":\"wrong-password\"}".getBytes(StandardCharsets.US_ASCII);
            Answer answer = raw(
                    "POST /api/tenants/web/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: " + type
                            + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n",
                    body);
            assertTrue(Set.of(400, 401, 415).contains(answer.status()), type + " -> " + answer.text());
        }
        assertServing();
    }

    @Test
    void slowClientsTricklingHeadersDoNotStopOthers() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket("localhost", server.port());
                socket.getOutputStream()
                        .write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            for (int second = 0; second < 3; second++) {
                for (Socket socket : slow) {
                    socket.getOutputStream().write('a');
                }
                assertServing();
                Thread.sleep(1_000);
            }
            // each slow client still gets its answer once it finishes
            Socket last = slow.getFirst();
            last.setSoTimeout(5_000);
            last.getOutputStream().write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = new String(last.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", status);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }
}
