package io.chat.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proxies (balancers) whose {@code X-Forwarded-For} is believed ({@code chat.trusted-proxies},
 * {@code CHAT_TRUSTED_PROXIES}: IP addresses and CIDR ranges). Behind a balancer every client arrives from the
 * balancer's address, so the per-address caps and the login throttle would count every client as one; with the
 * balancer trusted, a client is known by the right-most address of {@code X-Forwarded-For} that is not itself a
 * trusted proxy: the address the last trusted hop saw. Entries further left were written by the client and are never
 * read. A peer that is not trusted is its own address whatever it sends; with no trusted proxy (the default) the header
 * is never read.
 */
public final class TrustedProxies {
    /** Hops of {@code X-Forwarded-For} read from the right at most: a chain of proxies is short. */
    static final int MAX_HOPS = 16;

    private final List<String> entries;
    private final List<Range> ranges;

    private TrustedProxies(List<String> entries, List<Range> ranges) {
        this.entries = List.copyOf(entries);
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), List.of());
    }

    /**
     * A comma-separated list of IP addresses and CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}); blank is none.
     *
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static TrustedProxies parse(String list) {
        List<String> entries = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            ranges.add(Range.parse(entry)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "chat.trusted-proxies: '" + entry + "' is not an IP address or a CIDR range")));
            entries.add(entry);
        }
        return new TrustedProxies(entries, ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The client address of a request (see {@link #clientOf(String, List)}). */
    public String clientOf(ServerRequest req) {
        String peer = ClientAddress.of(req.remotePeer());
        return ranges.isEmpty() ? peer : clientOf(peer, req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of));
    }

    /**
     * The client's address: {@code peer} unless it is a trusted proxy; then the right-most {@code X-Forwarded-For}
     * address (over every header line, in order) that is not trusted, or the left-most when all are, or the last
     * trusted one when the next is not an IP address (it was not written by a trusted proxy).
     */
    public String clientOf(String peer, List<String> forwardedFor) {
        if (ranges.isEmpty() || forwardedFor.isEmpty()) {
            return peer;
        }
        Optional<InetAddress> hop = ClientAddress.literal(peer);
        if (hop.isEmpty() || !trusts(hop.get())) {
            return peer;
        }
        String client = peer;
        List<String> hops = hops(forwardedFor);
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            hop = ClientAddress.literal(hops.get(i));
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get().getHostAddress();
            if (!trusts(hop.get())) {
                return client;
            }
        }
        return client;
    }

    /**
     * Whether the client reached us over HTTPS: this connection is TLS, or a trusted proxy in front of it says its own
     * was ({@code X-Forwarded-Proto: https}, the proxy's header, never a client's).
     */
    public boolean viaHttps(ServerRequest req) {
        if (req.isSecure()) {
            return true;
        }
        Optional<InetAddress> peer = ClientAddress.literal(ClientAddress.of(req.remotePeer()));
        return peer.isPresent()
                && trusts(peer.get())
                && req.headers()
                        .first(HeaderNames.X_FORWARDED_PROTO)
                        .map(proto -> proto.trim().equalsIgnoreCase("https"))
                        .orElse(false);
    }

    private static List<String> hops(List<String> headerValues) {
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        return hops;
    }

    private boolean trusts(InetAddress address) {
        byte[] bytes = address.getAddress();
        return ranges.stream().anyMatch(range -> range.contains(bytes));
    }

    /** An address and how many of its leading bits a match shares (all of them for a single address). */
    private record Range(byte[] network, int prefix) {
        static Optional<Range> parse(String entry) {
            int slash = entry.indexOf('/');
            Optional<InetAddress> address = ClientAddress.literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            byte[] network = address.get().getAddress();
            int bits = network.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = entry.substring(slash + 1);
                if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return Optional.empty();
                }
                prefix = Integer.parseInt(length);
                if (prefix > bits) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Range(network, prefix));
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest);
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    /** The entries as configured. */
    @Override
    public String toString() {
        return entries.toString();
    }
}
