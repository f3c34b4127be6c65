package io.chat.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 written byte for byte on a connection of its own, for requests no client library sends as they are. Reads
 * the answer up to its Content-Length: Helidon 4.2 keeps a {@code Connection: close} connection open (helidon#12324).
 */
final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    /** An answer: its status (0 when the server closed without one) and its text, head and body. */
    record Answer(int status, String text) {}

    private RawHttp() {}

    static Answer exchange(String host, int port, String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException closedWhileWriting) {
                // the server may answer and close before reading everything
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0 && answer.size() < 1_000_000) {
                    answer.write(buffer, 0, n);
                    String text = answer.toString(StandardCharsets.UTF_8);
                    int headEnd = text.indexOf("\r\n\r\n");
                    if (headEnd > 0) {
                        Matcher length = CONTENT_LENGTH.matcher(text.substring(0, headEnd));
                        if (!length.find() || answer.size() >= headEnd + 4 + Integer.parseInt(length.group(1))) {
                            break;
                        }
                    }
                }
            } catch (IOException reset) {
                // a reset after the answer is fine
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Answer(status, text);
        }
    }
}
