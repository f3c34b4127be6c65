package io.chat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import org.HdrHistogram.Histogram;

/**
 * W2, durable chat on the real platform: provisions a tenant through the admin API (limits raised so the rate
 * limiter is not what is measured), logs users in, opens sockets in rooms of 10 on the tenant's namespace,
 * then sends {@code message:send} on an open-loop schedule and measures the time from each message's
 * scheduled send to its ack (sent only after commit). The rate is swept upward. Afterwards every acked message
 * is looked up in the tenant's H2 history through the public REST API.
 *
 * <p>One instance drives one tenant; {@link Fairness} (W4) drives two side by side with the same pieces:
 * {@link #provision}, {@link #connect}, {@link #schedule}, {@link #answers}.
 */
final class DurableChat {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] TEXT_KEY = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK_TRUE = "\"ok\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RATE_LIMITED = "\"code\":\"rate_limited\"".getBytes(StandardCharsets.US_ASCII);

    private final LoadGen gen;
    private final Map<String, String> opts;
    private final long base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String tenant;
    private final String nsp;
    private final byte[] ackPrefix;
    private final byte[] messagePrefix;
    private final String host;
    private final int port;
    private final String admin;
    private final String adminAuth;
    private final String pub;
    /** The scenario its rows are filed under: W2 (H2), or W5's durable row on PostgreSQL. */
    private final String scenario;
    /** Whether readers record the delivery latency of the room's {@code message} events (W4's quiet tenant). */
    private volatile boolean recordDeliveries;

    /** Per socket: its room, and the histograms its reader records acks and deliveries into. */
    static final class Client {
        final SioConn conn;
        final int room;
        final Histogram histogram = new Histogram(60_000_000L, 3);
        final Histogram deliveries = new Histogram(60_000_000L, 3);
        volatile long acked;
        volatile long failed;
        volatile long rateLimited;
        volatile long broadcasts;

        Client(SioConn conn, int room) {
            this.conn = conn;
            this.room = room;
        }
    }

    private static final int JOIN_ATTEMPTS = 5;

    /** Acked messages, "sender:seq" per room, to look up in the history afterwards. */
    private final Map<Integer, Set<String>> ackedByRoom = new ConcurrentHashMap<>();

    private volatile long recordFrom = Long.MAX_VALUE;
    private volatile long recordUntil = Long.MAX_VALUE;

    DurableChat(LoadGen gen, Map<String, String> opts, long base) {
        this(gen, opts, base, "bench");
    }

    DurableChat(LoadGen gen, Map<String, String> opts, long base, String tenant) {
        this.gen = gen;
        this.opts = opts;
        this.base = base;
        this.tenant = tenant;
        this.nsp = "/" + tenant;
        this.ackPrefix = ("43" + nsp + ",").getBytes(StandardCharsets.US_ASCII);
        this.messagePrefix = ("42" + nsp + ",[\"message\"").getBytes(StandardCharsets.US_ASCII);
        this.host = opt("host", "127.0.0.1");
        this.port = Integer.parseInt(opt("port", "8080"));
        this.admin = "http://127.0.0.1:" + Integer.parseInt(opt("admin-port", "8081"));
        this.adminAuth = "Basic "
                + Base64.getEncoder()
                        .encodeToString((opt("admin-user", "bench") + ":" + opt("admin-password", ""))
                                .getBytes(StandardCharsets.UTF_8));
        this.pub = "http://" + host + ":" + port;
        this.scenario = opt("scenario", "W2");
    }

    private String opt(String k, String d) {
        return opts.getOrDefault(k, d);
    }

    int run() throws Exception {
        int sockets = Integer.parseInt(opt("sockets", "5000"));
        int roomSize = Integer.parseInt(opt("room-size", "10"));
        int users = Integer.parseInt(opt("users", "50"));
        String label = opt("server", "ours-platform");
        double start = Double.parseDouble(opt("start", "2000"));
        double factor = Double.parseDouble(opt("factor", "1.6"));
        int maxSteps = Integer.parseInt(opt("max-steps", "10"));
        int refine = Integer.parseInt(opt("refine", "1"));
        double warmup = Double.parseDouble(opt("warmup", "2"));
        double measure = Double.parseDouble(opt("measure", "5"));
        double p99Limit = Double.parseDouble(opt("p99-ms", "50"));

        System.out.printf(Locale.ROOT, "[%s] provisioning tenant %s and %d users%n", label, tenant, users);
        // limits raised so that neither rate limiter is what is measured
        String[] tokens = provision(
                "\"messagesPerSecond\":1000000,\"messageBurst\":1000000,"
                        + "\"tenantMessagesPerSecond\":1000000,\"tenantMessageBurst\":1000000",
                sockets,
                users);
        System.out.printf(
                Locale.ROOT,
                "[%s] connecting %d sockets to %s in %d rooms of %d%n",
                label,
                sockets,
                nsp,
                sockets / roomSize,
                roomSize);
        Client[] clients = connect(tokens, sockets, roomSize);
        System.out.printf(
                Locale.ROOT,
                "[%s] connected; sweeping from %.0f acked messages/s (ack p99 <= %.0f ms)%n",
                label,
                start,
                p99Limit);
        long[] seq = new long[sockets];
        step(label, clients, seq, start, Double.parseDouble(opt("prewarm", "5")), 1, p99Limit, false);
        Jcmd.collectBeforeMeasuring(opt("server-pid", "0"));
        double rate = start;
        double lastPass = -1;
        double firstFail = -1;
        int refinesLeft = refine;
        int voids = 0;
        for (int s = 0; s < maxSteps; s++) {
            boolean[] r = step(label, clients, seq, rate, warmup, measure, p99Limit, true);
            if (r[1]) {
                if (++voids <= 2) {
                    System.out.printf(Locale.ROOT, "[%s] step void (generator behind its schedule): repeat%n", label);
                    continue;
                }
                System.out.printf(Locale.ROOT, "[%s] step void: stop%n", label);
                break;
            }
            voids = 0;
            if (r[0]) {
                lastPass = Math.max(lastPass, rate);
            } else {
                firstFail = firstFail < 0 ? rate : Math.min(firstFail, rate);
            }
            if (!r[2]) {
                break;
            }
            if (firstFail < 0) {
                rate *= factor;
                continue;
            }
            if (lastPass < 0 || refinesLeft-- <= 0) {
                break;
            }
            rate = (lastPass + firstFail) / 2;
        }
        // every acked message must be in H2: page each room's history through the public REST API
        System.out.printf(Locale.ROOT, "[%s] checking every acked message in the history (REST)...%n", label);
        long ackedTotal = 0;
        long missing = 0;
        for (Map.Entry<Integer, Set<String>> e : ackedByRoom.entrySet()) {
            int room = e.getKey();
            Set<String> found = new HashSet<>();
            String token = tokens[(room * roomSize) % users];
            String before = "";
            while (true) {
                JsonNode page = call(
                        "GET",
                        pub + "/api/tenants/" + tenant + "/rooms/"
                                + URLEncoder.encode("r" + room, StandardCharsets.UTF_8) + "/messages?limit=100"
                                + before,
                        "Bearer " + token,
                        null,
                        200);
                long oldest = Long.MAX_VALUE;
                for (JsonNode m : page.path("messages")) {
                    String text = m.path("text").asText();
                    int second = text.indexOf(':', text.indexOf(':') + 1);
                    found.add(second > 0 ? text.substring(0, second) : text);
                    oldest = Math.min(oldest, m.path("seq").asLong());
                }
                if (!page.path("hasMore").asBoolean() || oldest == Long.MAX_VALUE) {
                    break;
                }
                before = "&before=" + oldest;
            }
            ackedTotal += e.getValue().size();
            for (String id : e.getValue()) {
                if (!found.contains(id)) {
                    missing++;
                }
            }
        }
        String note = String.format(
                Locale.ROOT, "%d acked messages looked up in the history via REST: %d missing", ackedTotal, missing);
        gen.appendRow(String.join(
                "\t",
                scenario,
                label,
                "verify",
                Long.toString(ackedTotal),
                "",
                "",
                "",
                "",
                Long.toString(missing),
                "0",
                "0",
                "",
                "",
                "",
                "",
                "",
                "false",
                Boolean.toString(missing == 0 && ackedTotal > 0),
                ProcStats.loadAverage(),
                note));
        System.out.printf(Locale.ROOT, "[%s] %s | %s%n", label, note, missing == 0 ? "pass" : "FAIL");
        for (Client c : clients) {
            c.conn.close();
        }
        return 0;
    }

    /**
     * Creates the tenant with these limit fields ({@code "name":value,...}) and room for {@code sockets} (per tenant
     * and per user, with the event limit out of the way: every socket joins at once); logs users in.
     */
    String[] provision(String limitFields, int sockets, int users) throws Exception {
        call(
                "POST",
                admin + "/admin/tenants",
                adminAuth,
                "{\"id\":\"" + tenant
                        + "\",\"auth\":{\"type\":\"password\"},\"limits\":{" + limitFields + ",\"socketsPerTenant\":"
                        + (sockets + 100) + ",\"socketsPerUser\":" + (sockets + 100)
                        + ",\"eventsPerSecond\":1000000,\"eventBurst\":1000000}}",
                201);
        String[] tokens = new String[users];
        for (int u = 0; u < users; u++) {
            call(
                    "POST",
                    admin + "/admin/tenants/" + tenant + "/users",
                    adminAuth,
                    "{\"username\":\"u" + u + "\",\"password\":\"bench-password-" + u + "\"}",
                    201);
            tokens[u] = call(
                            "POST",
                            pub + "/api/tenants/" + tenant + "/sessions",
                            null,
                            "{\"username\":\"u" + u + "\",\"password\":\"bench-password-" + u + "\"}",
                            201)
                    .path("token")
                    .asText();
        }
        return tokens;
    }

    /** Opens {@code sockets} sockets on the tenant's namespace, users in turn, each in its room of {@code roomSize}. */
    Client[] connect(String[] tokens, int sockets, int roomSize) throws InterruptedException {
        return connect(tokens, sockets, i -> i / roomSize, i -> port);
    }

    /**
     * Opens {@code sockets} sockets on the tenant's namespace, users in turn; socket i joins room {@code roomOf(i)} on
     * the node listening on {@code portOf(i)} (W5 puts senders and receivers on different nodes).
     */
    Client[] connect(String[] tokens, int sockets, IntUnaryOperator roomOf, IntUnaryOperator portOf)
            throws InterruptedException {
        Client[] clients = new Client[sockets];
        LoadGen.connectAll(sockets, 100, i -> {
            int room = roomOf.applyAsInt(i);
            SioConn conn = SioConn.connect(
                    host,
                    portOf.applyAsInt(i),
                    "/socket.io/",
                    null,
                    8 * 1024,
                    nsp,
                    "{\"token\":\"" + tokens[i % tokens.length] + "\"}");
            // a join answered "unavailable" (the tenant's reads busy while thousands join at once) is retried, as
            // the contract asks of clients
            String ack = null;
            for (int attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
                if (attempt > 0) {
                    LockSupport.parkNanos(100_000_000L * attempt);
                }
                conn.send("42" + nsp + ",1[\"room:join\",{\"room\":\"r" + room + "\"}]");
                do {
                    ack = conn.nextText();
                } while (ack != null && !ack.startsWith("43" + nsp + ",1["));
                if (ack == null || !ack.contains("\"code\":\"unavailable\"")) {
                    break;
                }
            }
            if (ack == null || !ack.contains("\"ok\":true")) {
                throw new IOException("room:join failed: " + ack);
            }
            Client c = new Client(conn, room);
            clients[i] = c;
            Thread.ofVirtual().start(() -> conn.readLoop((p, n) -> onMessage(c, p, n)));
        });
        // a socket that could not join is left out rather than leave a hole the sweep would trip on
        return Arrays.stream(clients).filter(Objects::nonNull).toArray(Client[]::new);
    }

    /**
     * Waits until the node on {@code nodePort} knows the tenant and accepts the token (a cluster's other nodes learn a
     * new tenant from the shared catalog within seconds): a history read there answers 200.
     */
    void awaitTenantOn(int nodePort, String token) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String url = "http://" + host + ":" + nodePort + "/api/tenants/" + tenant + "/rooms/r0/messages?limit=1";
        while (true) {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the node on port " + nodePort + " still answers " + res.statusCode()
                        + " for tenant " + tenant + " after 60 s");
            }
            Thread.sleep(200);
        }
    }

    void recordDeliveries(boolean value) {
        recordDeliveries = value;
    }

    /** Starts recording latencies afresh, for messages scheduled in [from, until) (nanoTime). */
    void recordBetween(Client[] clients, long from, long until) {
        for (Client c : clients) {
            synchronized (c) {
                c.histogram.reset();
                c.deliveries.reset();
            }
        }
        recordFrom = from - base;
        recordUntil = until - base;
    }

    /** Answers received so far over every socket. */
    record Answers(long acked, long failed, long rateLimited) {
        Answers minus(Answers earlier) {
            return new Answers(acked - earlier.acked, failed - earlier.failed, rateLimited - earlier.rateLimited);
        }

        long total() {
            return acked + failed;
        }
    }

    static Answers answers(Client[] clients) {
        long acked = 0;
        long failed = 0;
        long rateLimited = 0;
        for (Client c : clients) {
            acked += c.acked;
            failed += c.failed;
            rateLimited += c.rateLimited;
        }
        return new Answers(acked, failed, rateLimited);
    }

    /** Waits until every message sent since {@code before} is answered, at most 10 s. */
    static void awaitAnswers(Client[] clients, Answers before, long sent) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && answers(clients).minus(before).total() < sent) {
            Thread.sleep(20);
        }
    }

    /** Every socket's ack latencies (or, with {@code deliveries}, delivery latencies) together. */
    static Histogram merged(Client[] clients, boolean deliveries) {
        Histogram all = new Histogram(60_000_000L, 3);
        for (Client c : clients) {
            synchronized (c) {
                all.add(deliveries ? c.deliveries : c.histogram);
            }
        }
        return all;
    }

    static boolean allOpen(Client[] clients) {
        for (Client c : clients) {
            if (!c.conn.open) {
                return false;
            }
        }
        return true;
    }

    /** An open-loop schedule running on its own thread: messages sent so far, and its worst lateness. */
    record Schedule(Thread pacer, AtomicLong sent, AtomicLong maxLag) {
        long finish() throws InterruptedException {
            pacer.join();
            return sent.get();
        }

        double lagMs() {
            return maxLag.get() / 1e6;
        }
    }

    /**
     * Sends {@code message:send} at {@code rate} from t0 until end, the sockets in turn, each message stamped
     * with its scheduled time; lateness counts from warmEnd.
     */
    Schedule schedule(Client[] clients, long[] seq, double rate, long t0, long warmEnd, long end) {
        long interval = (long) (1e9 / rate);
        AtomicLong sent = new AtomicLong();
        AtomicLong maxLag = new AtomicLong();
        Thread pacer = Thread.ofPlatform()
                .name("pacer-" + tenant)
                .priority(Thread.MAX_PRIORITY)
                .start(() -> {
                    byte[] frame = new byte[512];
                    long next = t0;
                    long k = 0;
                    try {
                        while (next < end) {
                            long now = System.nanoTime();
                            if (now < next) {
                                LockSupport.parkNanos(next - now);
                                continue;
                            }
                            if (next >= warmEnd && now - next > maxLag.get()) {
                                maxLag.set(now - next);
                            }
                            int i = (int) (k % clients.length);
                            long q = ++seq[i];
                            String packet = "42" + nsp + "," + (q + 1) + "[\"message:send\",{\"room\":\"r"
                                    + clients[i].room + "\",\"text\":\"" + i + ":" + q + ":" + (next - base) + ":"
                                    + "x".repeat(40) + "\"}]";
                            byte[] p = packet.getBytes(StandardCharsets.US_ASCII);
                            int at = SioConn.appendFrame(frame, 0, 0x81, p, 0, p.length);
                            clients[i].conn.sendRaw(frame, at);
                            sent.set(++k);
                            next += interval;
                        }
                    } catch (IOException e) {
                        // a dropped socket shows as a missing ack
                    }
                });
        return new Schedule(pacer, sent, maxLag);
    }

    /** pass, void, all sockets open. */
    private boolean[] step(
            String label,
            Client[] clients,
            long[] seq,
            double rate,
            double warmup,
            double measure,
            double p99Limit,
            boolean report)
            throws Exception {
        String load = ProcStats.loadAverage();
        String pid = opt("server-pid", "0");
        long t0 = System.nanoTime() + 50_000_000L;
        long warmEnd = t0 + (long) (warmup * 1e9);
        long end = warmEnd + (long) (measure * 1e9);
        recordBetween(clients, warmEnd, end);
        Answers before = answers(clients);
        Schedule schedule = schedule(clients, seq, rate, t0, warmEnd, end);
        // PostgreSQL's CPU (the postmaster and its children), when given: W5's durable sweep on the cluster
        String postgres = opt("postgres-pid", "");
        LoadGen.sleepUntil(warmEnd);
        double cpu0 = ProcStats.cpuSeconds(pid);
        double postgres0 = postgres.isEmpty() ? -1 : ProcStats.treeCpuSeconds(postgres);
        LoadGen.sleepUntil(end);
        double cpu1 = ProcStats.cpuSeconds(pid);
        double postgres1 = postgres.isEmpty() ? -1 : ProcStats.treeCpuSeconds(postgres);
        long rss = ProcStats.rssKib(pid);
        long sent = schedule.finish();
        awaitAnswers(clients, before, sent);
        Histogram all = merged(clients, false);
        Answers answered = answers(clients).minus(before);
        long failed = answered.failed();
        boolean allOpen = allOpen(clients);
        long unanswered = Math.max(0, sent - answered.total());
        double p99 = all.getValueAtPercentile(99) / 1000.0;
        double lagMs = schedule.lagMs();
        boolean pass = allOpen && failed == 0 && unanswered == 0 && all.getTotalCount() > 0 && p99 <= p99Limit;
        boolean isVoid = !pass && lagMs > LoadGen.BEHIND_MS;
        double serverCpu = cpu1 - cpu0;
        if (report) {
            String note = (failed > 0 ? failed + " failure acks; " : "")
                    + (unanswered > 0 ? unanswered + " never acked; " : "")
                    + (allOpen ? "" : "sockets dropped; ")
                    + (postgres0 >= 0 && postgres1 >= 0 && all.getTotalCount() > 0
                            ? String.format(
                                    Locale.ROOT,
                                    "postgres_cpu_ms_per_1000=%.1f; postgres_cpu_pct=%.0f",
                                    1e6 * (postgres1 - postgres0) / all.getTotalCount(),
                                    100 * (postgres1 - postgres0) / measure)
                            : "");
            gen.appendRow(String.join(
                    "\t",
                    scenario,
                    label,
                    LoadGen.fmt(rate),
                    LoadGen.fmt(all.getTotalCount() / measure),
                    LoadGen.fmt2(all.getValueAtPercentile(50) / 1000.0),
                    LoadGen.fmt2(p99),
                    LoadGen.fmt2(all.getValueAtPercentile(99.9) / 1000.0),
                    LoadGen.fmt2(all.getMaxValue() / 1000.0),
                    Long.toString(failed + unanswered),
                    "0",
                    "0",
                    LoadGen.fmt2(serverCpu),
                    LoadGen.fmt(serverCpu > 0 ? all.getTotalCount() / serverCpu : -1),
                    LoadGen.fmt(rss / 1024.0),
                    "",
                    LoadGen.fmt2(lagMs),
                    Boolean.toString(isVoid),
                    Boolean.toString(pass),
                    load,
                    note.trim()));
            System.out.printf(
                    Locale.ROOT,
                    "[%s] target %,.0f msg/s: acked %,.0f/s ack p50 %.2f ms p99 %.2f ms max %.1f"
                            + " ms failed %d unanswered %d | server cpu %.2f s rss %.0f MB | lag %.1f ms | %s%n",
                    label,
                    rate,
                    all.getTotalCount() / measure,
                    all.getValueAtPercentile(50) / 1000.0,
                    p99,
                    all.getMaxValue() / 1000.0,
                    failed,
                    unanswered,
                    serverCpu,
                    rss / 1024.0,
                    lagMs,
                    isVoid ? "VOID" : pass ? "pass" : "FAIL");
        }
        Thread.sleep(500);
        return new boolean[] {pass, isVoid, allOpen};
    }

    private void onMessage(Client c, byte[] p, int n) {
        if (!startsWith(p, n, ackPrefix)) {
            c.broadcasts++;
            if (recordDeliveries && startsWith(p, n, messagePrefix)) {
                long now = System.nanoTime();
                int t = indexOf(p, n, TEXT_KEY);
                if (t >= 0) {
                    record(c, c.deliveries, now, scheduledAt(p, n, t + TEXT_KEY.length));
                }
            }
            return;
        }
        long now = System.nanoTime();
        int t = indexOf(p, n, TEXT_KEY);
        if (t < 0 || indexOf(p, n, OK_TRUE) < 0) {
            if (indexOf(p, n, RATE_LIMITED) >= 0) {
                c.rateLimited++;
            }
            c.failed++;
            return;
        }
        int idStart = t + TEXT_KEY.length;
        int idEnd = afterColons(p, n, idStart, 2) - 1;
        ackedByRoom
                .computeIfAbsent(c.room, r -> ConcurrentHashMap.newKeySet())
                .add(new String(p, idStart, idEnd - idStart, StandardCharsets.US_ASCII));
        record(c, c.histogram, now, scheduledAt(p, n, idStart));
        c.acked++;
    }

    private void record(Client c, Histogram histogram, long now, long scheduled) {
        if (scheduled >= recordFrom && scheduled < recordUntil) {
            synchronized (c) {
                histogram.recordValue(Math.min(Math.max((now - base - scheduled) / 1000, 0), 60_000_000L));
            }
        }
    }

    /** A bench message's text is "socket:seq:scheduled:padding"; the scheduled time, relative to base. */
    private static long scheduledAt(byte[] p, int n, int textStart) {
        long scheduled = 0;
        for (int i = afterColons(p, n, textStart, 2); i < n && p[i] != ':'; i++) {
            scheduled = scheduled * 10 + (p[i] - '0');
        }
        return scheduled;
    }

    /** The position just after the {@code colons}-th colon from {@code from}, or n. */
    private static int afterColons(byte[] p, int n, int from, int colons) {
        int i = from;
        for (int seen = 0; i < n && seen < colons; i++) {
            if (p[i] == ':') {
                seen++;
            }
        }
        return i;
    }

    private static boolean startsWith(byte[] p, int n, byte[] prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (p[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] p, int n, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= n; i++) {
            for (int j = 0; j < key.length; j++) {
                if (p[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private JsonNode call(String method, String url, String auth, String body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != expect) {
            throw new IOException(method + " " + url + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
    }
}
