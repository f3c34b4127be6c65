package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.PlatformServer;
import io.chat.platform.PlatformTest;
import io.chat.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request whose body length two readers could read two ways (two Content-Lengths, Content-Length with
 * Transfer-Encoding, a transfer coding the server does not apply): a proxy in front that reads it the other way would
 * forward the rest of the body as the start of another request (request smuggling). RFC 9112 6.1/6.3: such a request
 * is an error, and the connection must not carry another request after it. Also: a WebSocket upgrade whose key is not
 * base64 is a client's error (400), not the server's (500 with a stack trace in the log).
 */
@PlatformTest
class RequestFramingTest {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    /** What rides in the body; Helidon read it as a second request on the same connection. */
    private static final String SMUGGLED = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

    private static PlatformServer server;

    @BeforeAll
    static void provision() throws IOException {
        server.passwordTenant("web", "alice");
    }

    /** Writes the bytes, reads until the server closes (or 3 s of silence), returns every status it answered. */
    private static List<Integer> statuses(String raw) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | SocketException stillOpenOrReset) {
                // what came is what counts
            }
            Matcher m = STATUS_LINE.matcher(answer.toString(StandardCharsets.ISO_8859_1));
            List<Integer> found = new ArrayList<>();
            while (m.find()) {
                found.add(Integer.parseInt(m.group(1)));
            }
            return found;
        }
    }

    private static String login(String framing, String body) {
        return "POST /api/tenants/web/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing
                + "\r\n" + body;
    }

    @Test
    void twoDifferentContentLengthsAreRefusedAndNothingAfterThemIsServed() throws IOException {
        String body = "{}" + SMUGGLED;
        var answers = statuses(login("Content-Length: 2\r\nContent-Length: " + body.length() + "\r\n", body));
        assertEquals(List.of(400), answers, "one refusal, and no second request read from the body");
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndNothingAfterItIsServed() throws IOException {
        // a proxy reading Content-Length forwards "0\r\n\r\n" + the next bytes as this body; Helidon reads the chunks
        var answers = statuses(login("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + SMUGGLED));
        assertEquals(List.of(400), answers, "one refusal, and no second request read from the body");
    }

    @Test
    void aTransferCodingTheServerDoesNotApplyIsRefused() throws IOException {
        // "Chunked" is chunked (codings are case-insensitive); Helidon read no body and the chunks as a request
        for (String coding : new String[] {"Chunked", "gzip, chunked", "identity, chunked"}) {
            var answers = statuses(login("Transfer-Encoding: " + coding + "\r\n", "2\r\n{}\r\n0\r\n\r\n"));
            assertEquals(1, answers.size(), coding + ": one answer for one request, got " + answers);
            assertTrue(answers.getFirst() == 400 || answers.getFirst() == 501, coding + ": " + answers);
        }
    }

    @Test
    void aWellFramedRequestStillWorks() throws IOException {
        assertEquals(
                List.of(400, 200),
                statuses(login("Content-Length: 2\r\n", "{}")
                        + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        // a chunked body is refused unread (411: Helidon would hold a chunk of any declared size whole), and the
        // request after it is still read where it starts
        assertEquals(
                List.of(411, 200),
                statuses(login("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n")
                        + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void anUpgradeWithAKeyThatIsNotBase64IsABadRequestNotAnInternalError() throws IOException {
        LogCapture capture = LogCapture.start();
        try (capture) {
            var answers = statuses("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: <not base64>\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(List.of(400), answers);
        }
        assertFalse(
                capture.lines().stream().anyMatch(line -> line.contains("Internal server error")),
                "a client's bad key logs no internal error: " + capture.lines());
    }
}
