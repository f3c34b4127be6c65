package io.chat.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;

/** Calls from another loopback address (127.0.0.2): a different client, as per-address limits see it. */
public final class OtherAddress {
    public static final String ADDRESS = "127.0.0.2";

    private OtherAddress() {}

    public static HttpClient client() {
        try {
            return HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .localAddress(InetAddress.getByName(ADDRESS))
                    .build();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
