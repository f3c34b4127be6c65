package io.chat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request's client is known by, behind trusted balancers or not. */
class TrustedProxiesTest {
    private static final TrustedProxies TRUSTED = TrustedProxies.parse(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8");

    @Test
    void withNoTrustedProxyTheHeaderIsNeverRead() {
        TrustedProxies none = TrustedProxies.parse("");
        assertTrue(none.isEmpty());
        assertEquals("127.0.0.1", none.clientOf("127.0.0.1", List.of("203.0.113.7")));
        assertEquals("127.0.0.1", TrustedProxies.none().clientOf("127.0.0.1", List.of("203.0.113.7")));
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        assertEquals("203.0.113.7", TRUSTED.clientOf("127.0.0.1", List.of("203.0.113.7")));
        // what the client wrote itself is left of what the balancer appended: never read
        assertEquals("203.0.113.7", TRUSTED.clientOf("127.0.0.1", List.of("198.51.100.1, 203.0.113.7")));
        assertEquals("203.0.113.7", TRUSTED.clientOf("127.0.0.1", List.of("6.6.6.6", "203.0.113.7, 10.1.2.3")));
        assertEquals("203.0.113.7", TRUSTED.clientOf("127.0.0.1", List.of("not an address, 203.0.113.7")));
        assertEquals("2001:db8:0:0:0:0:0:1", TRUSTED.clientOf("fd00::1", List.of("2001:db8::1")));
        assertEquals("203.0.113.7", TRUSTED.clientOf("127.0.0.1", List.of("::ffff:203.0.113.7")));
        // every hop trusted: the left-most
        assertEquals("10.0.0.1", TRUSTED.clientOf("127.0.0.1", List.of("10.0.0.1, 10.0.0.2")));
        assertEquals("127.0.0.1", TRUSTED.clientOf("127.0.0.1", List.of()));
    }

    @Test
    void aHopThatIsNoAddressEndsTheWalkAtTheLastTrustedOne() {
        assertEquals("127.0.0.1", TRUSTED.clientOf("127.0.0.1", List.of("evil")));
        assertEquals("127.0.0.1", TRUSTED.clientOf("127.0.0.1", List.of("localhost")), "never looked up");
        assertEquals("10.1.1.1", TRUSTED.clientOf("127.0.0.1", List.of("1.2.3.4, 999.1.1.1, 10.1.1.1")));
        assertEquals("127.0.0.1", TRUSTED.clientOf("127.0.0.1", List.of("1.2.3.4:5678")));
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() {
        assertEquals("192.0.2.1", TRUSTED.clientOf("192.0.2.1", List.of("203.0.113.7")));
        assertEquals(
                "11.0.0.1", TRUSTED.clientOf("11.0.0.1", List.of("10.0.0.1")), "10.0.0.0/8 ends at 10.255.255.255");
    }

    @Test
    void entriesAreAddressesOrRanges() {
        for (String bad : List.of("example.com", "10.0.0.0/33", "1.2.3", "10.0.0.0/", "fd00::/129", "256.0.0.1")) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(bad), bad);
            assertEquals(
                    "chat.trusted-proxies: '" + bad + "' is not an IP address or a CIDR range", refused.getMessage());
        }
        assertEquals("[127.0.0.1, 10.0.0.0/8, fd00::/8]", TRUSTED.toString());
        assertTrue(TrustedProxies.parse("0.0.0.0/0")
                .clientOf("192.0.2.1", List.of("203.0.113.7"))
                .equals("203.0.113.7"));
    }
}
