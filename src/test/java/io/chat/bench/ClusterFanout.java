package io.chat.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * W5, fan-out across a cluster's nodes on the real platform: one tenant, rooms of {@code senders-per-room} senders
 * and {@code receivers-per-room} receivers; the senders connect to the nodes of {@code --sender-ports}, the
 * receivers to those of {@code --receiver-ports} (on a 3-node cluster: senders on node 1, receivers on nodes 2-3,
 * so every delivery crosses Redis; on one node, both lists name the same port). The senders send
 * {@code message:send} on an open-loop schedule ({@link DurableChat#schedule}); each receiver records the time
 * from a message's scheduled send to its {@code message} event. The offered rate is swept upward; a step passes
 * with delivery p99 within the limit, every send acked, and every acked message delivered to every receiver of its
 * room.
 *
 * <p>Per step: deliveries per second, the sum of every node's CPU ({@code --server-pid}: comma-separated), and the
 * CPU of Redis ({@code --redis-pid}) and of PostgreSQL (the postmaster {@code --postgres-pid} and its children)
 * per 1,000 messages, in the row's note as key=value.
 */
final class ClusterFanout {
    private final LoadGen gen;
    private final Map<String, String> opts;
    private final long base;

    ClusterFanout(LoadGen gen, Map<String, String> opts, long base) {
        this.gen = gen;
        this.opts = opts;
        this.base = base;
    }

    private String opt(String name, String def) {
        return opts.getOrDefault(name, def);
    }

    private int intOpt(String name, int def) {
        return Integer.parseInt(opt(name, Integer.toString(def)));
    }

    private double dblOpt(String name, double def) {
        return Double.parseDouble(opt(name, Double.toString(def)));
    }

    private static int[] ports(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * The two sides of every room: how many receivers each room was to have, how many it has ({@code receiversIn},
     * by room), and how many sockets could not connect or join (counted by the connect; never hidden in a rate).
     */
    private record Sides(
            DurableChat.Client[] senders,
            DurableChat.Client[] receivers,
            int receiversPerRoom,
            int[] receiversIn,
            int notConnected) {
        static Sides of(
                DurableChat.Client[] senders,
                DurableChat.Client[] receivers,
                int rooms,
                int receiversPerRoom,
                int sockets) {
            int[] receiversIn = new int[rooms];
            for (DurableChat.Client r : receivers) {
                receiversIn[r.room]++;
            }
            return new Sides(
                    senders, receivers, receiversPerRoom, receiversIn, sockets - senders.length - receivers.length);
        }

        /** Deliveries due for the messages acked in the window: each to every receiver its room has. */
        long dueDeliveries() {
            long due = 0;
            for (DurableChat.Client s : senders) {
                synchronized (s) {
                    due += s.histogram.getTotalCount() * receiversIn[s.room];
                }
            }
            return due;
        }
    }

    int run() throws Exception {
        String label = opt("server", "cluster");
        int rooms = intOpt("rooms", 20);
        int sendersPerRoom = intOpt("senders-per-room", 2);
        int receiversPerRoom = intOpt("receivers-per-room", 48);
        int users = intOpt("users", 50);
        int[] senderPorts = ports(opt("sender-ports", opt("port", "8080")));
        int[] receiverPorts = ports(opt("receiver-ports", opt("port", "8080")));
        double start = dblOpt("start", 100);
        double factor = dblOpt("factor", 1.6);
        int maxSteps = intOpt("max-steps", 10);
        int refine = intOpt("refine", 1);
        double warmup = dblOpt("warmup", 2);
        double measure = dblOpt("measure", 5);
        double p99Limit = dblOpt("p99-ms", 50);
        int roomSize = sendersPerRoom + receiversPerRoom;
        int senderCount = rooms * sendersPerRoom;
        int receiverCount = rooms * receiversPerRoom;

        DurableChat chat = new DurableChat(gen, opts, base, opt("tenant", "fanout"));
        System.out.printf(Locale.ROOT, "[%s] provisioning the tenant and %d users%n", label, users);
        String[] tokens = chat.provision(
                "\"messagesPerSecond\":1000000,\"messageBurst\":1000000,"
                        + "\"tenantMessagesPerSecond\":1000000,\"tenantMessageBurst\":1000000",
                senderCount + receiverCount,
                users);
        for (int port : receiverPorts) {
            chat.awaitTenantOn(port, tokens[0]);
        }
        System.out.printf(
                Locale.ROOT,
                "[%s] connecting %d rooms of %d senders (ports %s) and %d receivers (ports %s)%n",
                label,
                rooms,
                sendersPerRoom,
                Arrays.toString(senderPorts),
                receiversPerRoom,
                Arrays.toString(receiverPorts));
        // senders first, so that a room's members all exist before its first message; users in turn over both sides
        DurableChat.Client[] senders =
                chat.connect(tokens, senderCount, i -> i % rooms, i -> senderPorts[(i / rooms) % senderPorts.length]);
        String[] receiverTokens = new String[tokens.length];
        for (int u = 0; u < tokens.length; u++) {
            receiverTokens[u] = tokens[(u + senderCount) % tokens.length];
        }
        DurableChat.Client[] receivers = chat.connect(
                receiverTokens, receiverCount, i -> i % rooms, i -> receiverPorts[(i / rooms) % receiverPorts.length]);
        Sides sides = Sides.of(senders, receivers, rooms, receiversPerRoom, senderCount + receiverCount);
        if (sides.notConnected() > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "[%s] %d of %d sockets could not connect or join: the rooms go on without them%n",
                    label,
                    sides.notConnected(),
                    senderCount + receiverCount);
        }
        chat.recordDeliveries(true);
        System.out.printf(
                Locale.ROOT,
                "[%s] connected; sweeping from %,.0f messages/s (%,.0f deliveries/s; delivery p99 <= %.0f ms)%n",
                label,
                start,
                start * receiversPerRoom,
                p99Limit);
        long[] seq = new long[senderCount];
        step(label, chat, sides, seq, start, dblOpt("prewarm", 5), 1, p99Limit, false);
        Jcmd.collectBeforeMeasuring(opt("server-pid", "0"));
        double rate = start;
        double lastPass = -1;
        double firstFail = -1;
        int refinesLeft = refine;
        int voids = 0;
        for (int s = 0; s < maxSteps; s++) {
            Outcome r = step(label, chat, sides, seq, rate, warmup, measure, p99Limit, true);
            if (r.isVoid()) {
                if (++voids <= 2) {
                    System.out.printf(Locale.ROOT, "[%s] step void (generator behind its schedule): repeat%n", label);
                    continue;
                }
                System.out.printf(Locale.ROOT, "[%s] step void: stop%n", label);
                break;
            }
            voids = 0;
            if (r.pass()) {
                lastPass = Math.max(lastPass, rate);
            } else {
                firstFail = firstFail < 0 ? rate : Math.min(firstFail, rate);
            }
            if (!r.allOpen()) {
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
        for (DurableChat.Client c : senders) {
            c.conn.close();
        }
        for (DurableChat.Client c : receivers) {
            c.conn.close();
        }
        return 0;
    }

    private record Outcome(boolean pass, boolean isVoid, boolean allOpen) {}

    /** CPU seconds of the nodes, Redis, PostgreSQL and this generator at one instant; -1 where not given. */
    private record Cpu(double nodes, double redis, double postgres, double generator) {
        static Cpu now(Map<String, String> opts) {
            String redis = opts.getOrDefault("redis-pid", "");
            String postgres = opts.getOrDefault("postgres-pid", "");
            return new Cpu(
                    ProcStats.cpuSecondsOfAll(opts.getOrDefault("server-pid", "0")),
                    redis.isEmpty() ? -1 : ProcStats.cpuSeconds(redis),
                    postgres.isEmpty() ? -1 : ProcStats.treeCpuSeconds(postgres),
                    ProcStats.cpuSeconds("self"));
        }

        static double since(double before, double after) {
            return before >= 0 && after >= 0 ? after - before : Double.NaN;
        }
    }

    private Outcome step(
            String label,
            DurableChat chat,
            Sides sides,
            long[] seq,
            double rate,
            double warmup,
            double measure,
            double p99Limit,
            boolean report)
            throws Exception {
        String load = ProcStats.loadAverage();
        DurableChat.Client[] senders = sides.senders();
        DurableChat.Client[] receivers = sides.receivers();
        long t0 = System.nanoTime() + 50_000_000L;
        long warmEnd = t0 + (long) (warmup * 1e9);
        long end = warmEnd + (long) (measure * 1e9);
        chat.recordBetween(senders, warmEnd, end);
        chat.recordBetween(receivers, warmEnd, end);
        DurableChat.Answers before = DurableChat.answers(senders);
        DurableChat.Schedule schedule = chat.schedule(senders, seq, rate, t0, warmEnd, end);
        LoadGen.sleepUntil(warmEnd);
        Cpu cpu0 = Cpu.now(opts);
        LoadGen.sleepUntil(end);
        Cpu cpu1 = Cpu.now(opts);
        long rss = ProcStats.rssKibOfAll(opts.getOrDefault("server-pid", "0"));
        long sent = schedule.finish();
        DurableChat.awaitAnswers(senders, before, sent);
        Histogram acks = DurableChat.merged(senders, false);
        // every message acked in the window is due at every receiver of its room: wait for them, at most 10 s
        long dueDeliveries = sides.dueDeliveries();
        long deadline = System.nanoTime() + 10_000_000_000L;
        Histogram deliveries = DurableChat.merged(receivers, true);
        while (deliveries.getTotalCount() < dueDeliveries && System.nanoTime() < deadline) {
            Thread.sleep(50);
            deliveries = DurableChat.merged(receivers, true);
        }
        DurableChat.Answers answered = DurableChat.answers(senders).minus(before);
        long failed = answered.failed();
        long unanswered = Math.max(0, sent - answered.total());
        long undelivered = Math.max(0, dueDeliveries - deliveries.getTotalCount());
        boolean allOpen = DurableChat.allOpen(senders) && DurableChat.allOpen(receivers);
        double p99 = deliveries.getValueAtPercentile(99) / 1000.0;
        double lagMs = schedule.lagMs();
        boolean pass = allOpen
                && failed == 0
                && unanswered == 0
                && undelivered == 0
                && deliveries.getTotalCount() > 0
                && p99 <= p99Limit;
        boolean isVoid = !pass && lagMs > LoadGen.BEHIND_MS;
        double nodesCpu = Cpu.since(cpu0.nodes(), cpu1.nodes());
        double redisCpu = Cpu.since(cpu0.redis(), cpu1.redis());
        double postgresCpu = Cpu.since(cpu0.postgres(), cpu1.postgres());
        double messages = acks.getTotalCount();
        double perThousand = messages > 0 ? 1000 / messages : Double.NaN;
        if (report) {
            String note = String.format(
                    Locale.ROOT,
                    "msgs_per_s=%.0f; ack_p99_ms=%.2f; redis_cpu_ms_per_1000=%.1f; postgres_cpu_ms_per_1000=%.1f;"
                            + " nodes_cpu_pct=%.0f; redis_cpu_pct=%.0f; postgres_cpu_pct=%.0f;"
                            + " receivers_per_room=%d%s%s%s%s%s",
                    messages / measure,
                    acks.getValueAtPercentile(99) / 1000.0,
                    1000 * redisCpu * perThousand,
                    1000 * postgresCpu * perThousand,
                    100 * nodesCpu / measure,
                    100 * redisCpu / measure,
                    100 * postgresCpu / measure,
                    sides.receiversPerRoom(),
                    failed > 0 ? "; " + failed + " failure acks" : "",
                    unanswered > 0 ? "; " + unanswered + " never acked" : "",
                    undelivered > 0 ? "; " + undelivered + " deliveries missing" : "",
                    allOpen ? "" : "; sockets dropped",
                    sides.notConnected() > 0 ? "; " + sides.notConnected() + " sockets could not connect or join" : "");
            gen.appendRow(String.join(
                    "\t",
                    "W5",
                    label,
                    LoadGen.fmt(rate * sides.receiversPerRoom()),
                    LoadGen.fmt(deliveries.getTotalCount() / measure),
                    LoadGen.fmt2(deliveries.getValueAtPercentile(50) / 1000.0),
                    LoadGen.fmt2(p99),
                    LoadGen.fmt2(deliveries.getValueAtPercentile(99.9) / 1000.0),
                    LoadGen.fmt2(deliveries.getMaxValue() / 1000.0),
                    Long.toString(undelivered + failed + unanswered),
                    "0",
                    "0",
                    LoadGen.fmt2(nodesCpu),
                    LoadGen.fmt(nodesCpu > 0 ? deliveries.getTotalCount() / nodesCpu : -1),
                    LoadGen.fmt(rss / 1024.0),
                    LoadGen.fmt(100 * Cpu.since(cpu0.generator(), cpu1.generator()) / measure),
                    LoadGen.fmt2(lagMs),
                    Boolean.toString(isVoid),
                    Boolean.toString(pass),
                    load,
                    note));
            System.out.printf(
                    Locale.ROOT,
                    "[%s] %,.0f msg/s: delivered %,.0f/s p50 %.2f ms p99 %.2f ms max %.1f ms, ack p99 %.2f ms,"
                            + " missing %d | nodes cpu %.0f%% (%,.0f deliveries/cpu-s) redis %.0f%% postgres %.0f%%"
                            + " | lag %.1f ms | %s%n",
                    label,
                    rate,
                    deliveries.getTotalCount() / measure,
                    deliveries.getValueAtPercentile(50) / 1000.0,
                    p99,
                    deliveries.getMaxValue() / 1000.0,
                    acks.getValueAtPercentile(99) / 1000.0,
                    undelivered + failed + unanswered,
                    100 * nodesCpu / measure,
                    nodesCpu > 0 ? deliveries.getTotalCount() / nodesCpu : -1,
                    100 * redisCpu / measure,
                    100 * postgresCpu / measure,
                    lagMs,
                    isVoid ? "VOID" : pass ? "pass" : "FAIL");
        }
        Thread.sleep(500);
        return new Outcome(pass, isVoid, allOpen);
    }
}
