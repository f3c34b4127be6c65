package io.chat.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads RFC 6455 frames, and the HTTP head before them, from a stream through its own buffer: the one frame decoder
 * of the tests and the benchmark ({@link RawWebSocket}, the load generator's connections, the ceiling server).
 * A frame's payload is unmasked when it came masked and stays in a buffer reused by the next frame (no copy, for
 * the load generator). Not thread-safe.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;
    private byte[] payload = new byte[256];
    private int length;
    private boolean fin;
    private int opcode;
    private boolean masked;

    public FrameReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** The HTTP head up to and including its empty line; shorter when the stream ends first. */
    public String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            if (pos == lim && !fill()) {
                break;
            }
            int b = buf[pos++] & 0xFF;
            head.append((char) b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString();
    }

    /**
     * Reads the next frame; false when the stream ended before it began. A stream that ends inside a frame throws
     * {@link EOFException}.
     */
    public boolean next() throws IOException {
        if (pos == lim && !fill()) {
            return false;
        }
        need(2);
        int b0 = buf[pos] & 0xFF;
        int b1 = buf[pos + 1] & 0xFF;
        pos += 2;
        long len = b1 & 0x7F;
        if (len == 126) {
            need(2);
            len = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
        } else if (len == 127) {
            need(8);
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | (buf[pos + i] & 0xFF);
            }
            pos += 8;
        }
        if (len > Integer.MAX_VALUE - 8) {
            throw new IOException("frame too long for a test: " + len);
        }
        int n = (int) len;
        masked = (b1 & 0x80) != 0;
        int mask0 = 0;
        int mask1 = 0;
        int mask2 = 0;
        int mask3 = 0;
        if (masked) {
            need(4);
            mask0 = buf[pos];
            mask1 = buf[pos + 1];
            mask2 = buf[pos + 2];
            mask3 = buf[pos + 3];
            pos += 4;
        }
        if (payload.length < n) {
            payload = new byte[Math.max(n, payload.length * 2)];
        }
        int got = 0;
        while (got < n) {
            if (pos == lim && !fill()) {
                throw new EOFException("the stream ended inside a frame");
            }
            int chunk = Math.min(n - got, lim - pos);
            System.arraycopy(buf, pos, payload, got, chunk);
            pos += chunk;
            got += chunk;
        }
        if (masked) {
            for (int i = 0; i < n; i++) {
                int key =
                        switch (i & 3) {
                            case 0 -> mask0;
                            case 1 -> mask1;
                            case 2 -> mask2;
                            default -> mask3;
                        };
                payload[i] ^= (byte) key;
            }
        }
        fin = (b0 & 0x80) != 0;
        opcode = b0 & 0x0F;
        length = n;
        return true;
    }

    public boolean fin() {
        return fin;
    }

    public int opcode() {
        return opcode;
    }

    /** Whether the frame came masked (its payload is given unmasked). */
    public boolean masked() {
        return masked;
    }

    /** The payload buffer: valid up to {@link #length()}, until the next frame is read. */
    public byte[] payload() {
        return payload;
    }

    public int length() {
        return length;
    }

    public String text() {
        return new String(payload, 0, length, StandardCharsets.UTF_8);
    }

    private void need(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                throw new EOFException("the stream ended inside a frame");
            }
        }
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
        }
        lim -= pos;
        pos = 0;
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }
}
