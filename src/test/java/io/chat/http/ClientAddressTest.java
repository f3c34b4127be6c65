package io.chat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What per-address limits count an address under. */
class ClientAddressTest {
    @Test
    void anIpv6AddressCountsByItsSlash64() {
        // a subscriber's /64 holds 2^64 addresses: each its own key, a limit per address would stop nobody
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddress.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddress.network("2001:db8:1:2::1"));
        assertEquals("2001:db8:1:3:0:0:0:0/64", ClientAddress.network("2001:db8:1:3::1"));
        assertEquals("0:0:0:0:0:0:0:0/64", ClientAddress.network("::1"));
        assertEquals("fe80:0:0:0:0:0:0:0/64", ClientAddress.network("fe80::1%eth0"));
    }

    @Test
    void ipv4AddressesAndAnythingElseCountAsTheyAre() {
        assertEquals("203.0.113.7", ClientAddress.network("203.0.113.7"));
        assertEquals("203.0.113.7", ClientAddress.network("::ffff:203.0.113.7"), "an IPv4-mapped address is IPv4");
        assertEquals("unix:socket", ClientAddress.network("unix:socket"), "not a literal: kept, never looked up");
        assertEquals("", ClientAddress.network(""));
    }
}
