package io.chat.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.http.ClientAddress;
import io.chat.limits.Bucket;
import org.junit.jupiter.api.Test;

class ConnectRefusalsTest {
    @Test
    void anAddressHasItsRefusalsOfTheMinuteAndAnIpv6AddressCountsByItsSlash64() {
        long now = 1_000_000_000L;
        ConnectRefusals refusals = new ConnectRefusals(ClientAddress::network, now);
        Bucket one = refusals.of("198.51.100.7", now);
        for (int i = 0; i < ConnectRefusals.PER_MINUTE; i++) {
            assertTrue(one.tryTake(now), "refusal " + i);
        }
        assertFalse(one.tryTake(now));
        assertTrue(refusals.of("198.51.100.8", now).tryTake(now), "another address has its own");
        assertSame(refusals.of("2001:db8:1:2::1", now), refusals.of("2001:db8:1:2:ffff::9", now));
        assertNotSame(refusals.of("2001:db8:1:2::1", now), refusals.of("2001:db8:1:3::1", now));
        long aMinuteLater = now + 60_000_000_000L;
        assertTrue(one.tryTake(aMinuteLater), "the next minute");
        // an address longer than any network is cut, not refused
        assertTrue(refusals.of("x".repeat(500), now).tryTake(now));
    }
}
