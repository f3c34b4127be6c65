package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.http.ClientAddress;
import io.chat.limits.Bucket;
import org.junit.jupiter.api.Test;

class TokenRefusalsTest {
    @Test
    void aTenantsRefusalsFromANetworkComeBackOneASecondAndAnIpv6AddressCountsByItsSlash64() {
        long now = 1_000_000_000L;
        TokenRefusals refusals = new TokenRefusals(ClientAddress::network, now);
        Bucket one = refusals.of("acme", "198.51.100.7", now);
        for (int i = 0; i < TokenRefusals.BURST; i++) {
            assertEquals(0, one.waitNanos(now), "refusal " + i);
            assertTrue(one.tryTake(now));
        }
        assertTrue(one.waitNanos(now) > 0);
        assertEquals(1, one.retryAfterSeconds(now), "one comes back within a second");
        assertEquals(0, one.waitNanos(now + 1_000_000_000L));
        assertEquals(0, refusals.of("acme", "198.51.100.8", now).waitNanos(now), "another address has its own");
        assertEquals(0, refusals.of("globex", "198.51.100.7", now).waitNanos(now), "another tenant too");
        assertSame(refusals.of("acme", "2001:db8:1:2::1", now), refusals.of("acme", "2001:db8:1:2:ffff::9", now));
        assertNotSame(refusals.of("acme", "2001:db8:1:2::1", now), refusals.of("acme", "2001:db8:1:3::1", now));
        // an address longer than any network is cut, not refused
        assertTrue(refusals.of("acme", "x".repeat(500), now).tryTake(now));
    }
}
