package io.chat.http;

import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.http.ServerRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/** The address a request or connection came from, as the key of per-client limits. */
public final class ClientAddress {
    /** An IPv6 address with a scope is at most about 55 characters; anything longer is cut. */
    public static final int MAX_LENGTH = 64;

    private ClientAddress() {}

    public static String of(ServerRequest req) {
        return of(req.remotePeer());
    }

    public static String of(PeerInfo peer) {
        String address = peer.address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : peer.host();
        return address.length() <= MAX_LENGTH ? address : address.substring(0, MAX_LENGTH);
    }

    /**
     * What per-address limits count {@code address} under: an IPv6 address by its /64 (one subscriber, one machine
     * even, usually holds a whole /64: counted apart, its 2^64 addresses would each get the limit), e.g.
     * {@code 2001:db8:1:2::/64}; an IPv4 address (also one mapped into IPv6), or anything not an IP literal, as it is.
     */
    public static String network(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        int scope = address.indexOf('%');
        return literal(scope < 0 ? address : address.substring(0, scope))
                .map(ip -> {
                    if (!(ip instanceof Inet6Address)) {
                        return ip.getHostAddress(); // an IPv4-mapped one: its IPv4 address
                    }
                    byte[] bytes = Arrays.copyOf(ip.getAddress(), 16);
                    Arrays.fill(bytes, 8, 16, (byte) 0);
                    try {
                        return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e); // 16 bytes are always an address
                    }
                })
                .orElse(address);
    }

    /**
     * An IP address written as one, never looked up: a dotted IPv4 address, or an IPv6 one (hex digits, colons and
     * an embedded IPv4 address; no zone). Anything else is empty.
     */
    public static Optional<InetAddress> literal(String text) {
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            if (text.indexOf(':') < 0) {
                return ipv4(text).map(bytes -> {
                    try {
                        return InetAddress.getByAddress(bytes);
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            for (char c : text.toCharArray()) {
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return Optional.empty();
                }
            }
            // with a colon and none but these characters, the JDK parses it as an IPv6 literal and never resolves it
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return Optional.of(bytes);
    }
}
