package io.chat.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.platform.PlatformServer;
import io.chat.testing.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Thousands of random mutations of valid Socket.IO packets (bytes flipped, cut, repeated, spliced, numbers and
 * brackets swapped in) sent to a live platform: whatever the server answers is valid UTF-8 and free of internals,
 * the offender is either answered or closed, and a witness of the same tenant keeps working.
 * {@code -Dfuzz.tries=N} sets the number of tries (default 2000). Heap after fuzzing is measured by
 * {@code scripts/hardening}.
 */
class PacketFuzzTest {
    private static final String T = "fuzz";
    private static final List<String> SEEDS = List.of(
            "42/" + T + ",1[\"room:join\",{\"room\":\"general\"}]",
            "42/" + T + ",2[\"message:send\",{\"room\":\"general\",\"text\":\"hello \u20ac\",\"clientId\":\"c-1\"}]",
            "42/" + T + ",3[\"history:fetch\",{\"room\":\"general\",\"before\":10,\"limit\":5}]",
            "42/" + T + ",4[\"room:join\",{\"room\":\"general\",\"since\":0}]",
            "42/" + T + ",5[\"presence:list\",{\"room\":\"general\"}]",
            "42/" + T + ",6[\"rooms:list\",{}]",
            "42/" + T + ",[\"typing\",{\"room\":\"general\"}]",
            "42/" + T + ",7[\"room:leave\",{\"room\":\"general\"}]",
            "451-/" + T + ",8[\"message:send\",{\"_placeholder\":true,\"num\":0}]",
            "40/" + T + ",{\"token\":\"x\"}",
            "41/" + T + ",",
            "43/" + T + ",9[{\"ok\":true}]",
            "2",
            "3",
            "4",
            "6",
            "5",
            "1");
    private static final List<String> INSERTS = List.of(
            "[",
            "]",
            "{",
            "}",
            "\"",
            ",",
            ":",
            "\\",
            "-",
            "/",
            "9",
            "99999999999999999999",
            "-1",
            "null",
            "1e999",
            "\\u0000",
            "\\ud800",
            "\u00e9",
            "\ud83d\ude00",
            "\u0000",
            "\u001e",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "connect");

    private static PlatformServer server;
    private static String token;
    private static RawWebSocket witness;
    private static RawWebSocket offender;
    private static int ackId = 1_000;
    private static int tries;
    private static int closes;

    /** One change to a packet's bytes; positions are taken modulo the current length. */
    record Mutation(int kind, int position, int length, int insert, byte value) {
        byte[] apply(byte[] in) {
            int n = in.length;
            int at = n == 0 ? 0 : Math.floorMod(position, n + 1);
            return switch (kind) {
                case 0 -> { // flip one byte
                    if (n == 0) {
                        yield in;
                    }
                    byte[] out = in.clone();
                    out[Math.min(at, n - 1)] ^= value;
                    yield out;
                }
                case 1 -> concat(Arrays.copyOfRange(in, 0, at), Arrays.copyOfRange(in, Math.min(n, at + length), n));
                case 2 -> Arrays.copyOfRange(in, 0, at); // truncate
                case 3 ->
                    concat(
                            Arrays.copyOfRange(in, 0, at),
                            INSERTS.get(insert % INSERTS.size()).getBytes(StandardCharsets.UTF_8),
                            Arrays.copyOfRange(in, at, n));
                case 4 -> { // repeat a slice
                    byte[] slice = Arrays.copyOfRange(in, at, Math.min(n, at + length));
                    yield concat(Arrays.copyOfRange(in, 0, at), slice, slice, slice, Arrays.copyOfRange(in, at, n));
                }
                default -> concat(Arrays.copyOfRange(in, 0, at), new byte[] {value}, Arrays.copyOfRange(in, at, n));
            };
        }
    }

    private static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 400),
                        Arbitraries.integers().between(1, 40),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.bytes())
                .as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    @BeforeContainer
    static void start() throws IOException {
        server = PlatformServer.start();
        // the offender connects again after every close, some 2,000 times a run: its CONNECT burst (socketsPerUser +
        // 50) is set past that, since the fuzzing is of packets, not of the CONNECT rate (LimitsTest has that)
        server.limitedPasswordTenant(T, "{\"socketsPerUser\":5000}", "alice", "bob");
        token = server.login(T, "alice");
        witness = Wire.tenant(server.port(), T, server.login(T, "bob"));
    }

    @AfterContainer
    static void stop() throws IOException {
        try {
            String ack = witness.call(T, 1, "rooms:list", "{}");
            assertTrue(ack.contains("\"ok\":true"), ack);
            assertEquals(200, server.call("GET", "/health", null, null).statusCode());
            System.out.println("fuzz: " + tries + " mutated packets, " + closes + " offender connections closed, "
                    + "witness and /health fine");
        } finally {
            witness.close();
            if (offender != null) {
                offender.close();
            }
            server.close();
        }
    }

    @Property(tries = 2000, seed = "20261125")
    void mutatedPacketsNeverHurtTheServer(@ForAll("seeds") String seed, @ForAll("mutations") List<Mutation> changes)
            throws IOException {
        byte[] packet = seed.getBytes(StandardCharsets.UTF_8);
        for (Mutation change : changes) {
            packet = change.apply(packet);
        }
        tries++;
        if (offender == null) {
            offender = Wire.tenant(server.port(), T, token);
        }
        boolean closed;
        try {
            offender.sendFrame(true, 0x1, packet);
            // a barrier: the answer (or the close) to the mutated packet comes before the answer to a CONNECT to
            // "/", which is no tenant (44 Invalid namespace) whatever state the tenant's namespace socket is in
            offender.sendText("40");
            RawWebSocket.Frame end = offender.readUntil(
                    f -> f.opcode() == 0x8 || f.opcode() == 0x1 && f.text().startsWith("44{"));
            closed = end.opcode() == 0x8;
        } catch (java.io.EOFException | java.net.SocketException e) {
            closed = true;
        }
        if (!closed && packet.length > 1 && packet[0] == '4' && (packet[1] == '0' || packet[1] == '1')) {
            // a (re)CONNECT or DISCONNECT of the namespace: start the next try on a fresh connection
            offender.close();
            offender = null;
        }
        if (closed) {
            closes++;
            offender.close();
            offender = null;
        }
        if (tries % 250 == 0) {
            String ack = witness.call(T, ++ackId, "rooms:list", "{}");
            assertTrue(ack.contains("\"ok\":true"), ack);
        }
    }

    @Provide
    Arbitrary<String> seeds() {
        return Arbitraries.of(SEEDS);
    }
}
