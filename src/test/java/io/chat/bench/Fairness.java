package io.chat.bench;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * W4, fairness on the real platform: two tenants on one server. "quiet" sends {@code message:send} at a low
 * fixed rate (open loop) and measures its ack and delivery latency; "flood" offers far more than its
 * tenant-wide rate limit, so the limiter holds it at that limit. Phase 1 runs quiet alone, phase 2 quiet and
 * flood together; the target (checked by {@link Report}) is quiet's p99 under flood within 1.5x of its p99
 * alone. Each phase appends rows to {@code --out}: quiet's (ack latencies in the latency columns, delivery
 * latencies and server CPU in the note as key=value) and, in phase 2, flood's (offered and accepted rate,
 * refusals in the note).
 */
final class Fairness {
    private final LoadGen gen;
    private final Map<String, String> opts;
    private final long base;

    Fairness(LoadGen gen, Map<String, String> opts, long base) {
        this.gen = gen;
        this.opts = opts;
        this.base = base;
    }

    private int intOpt(String name, int def) {
        return Integer.parseInt(opts.getOrDefault(name, Integer.toString(def)));
    }

    private double dblOpt(String name, double def) {
        return Double.parseDouble(opts.getOrDefault(name, Double.toString(def)));
    }

    /** One tenant's side of the run: its driver, sockets and per-socket sequence numbers. */
    private record Side(DurableChat chat, DurableChat.Client[] clients, long[] seq, double rate) {
        DurableChat.Schedule schedule(long t0, long warmEnd, long end) {
            return chat.schedule(clients, seq, rate, t0, warmEnd, end);
        }
    }

    int run() throws Exception {
        int roomSize = intOpt("room-size", 10);
        int floodLimit = intOpt("flood-limit", 2000);
        double warmup = dblOpt("warmup", 2);
        double measure = dblOpt("measure", 30);
        String label = opts.getOrDefault("server", "ours-platform");
        // per-user limits out of the way: only the flood tenant's tenant-wide limit is under test
        String userLimits = "\"messagesPerSecond\":1000000,\"messageBurst\":1000000";
        Side quiet = side(
                "quiet",
                userLimits,
                intOpt("quiet-sockets", 100),
                intOpt("quiet-users", 10),
                roomSize,
                dblOpt("quiet-rate", 100));
        // a quarter second's burst: spent early in the warmup, so the measured window sees the steady limit
        Side flood = side(
                "flood",
                userLimits + ",\"tenantMessagesPerSecond\":" + floodLimit + ",\"tenantMessageBurst\":"
                        + Math.max(1, floodLimit / 4),
                intOpt("flood-sockets", 1000),
                intOpt("flood-users", 50),
                roomSize,
                dblOpt("flood-rate", 2.0 * floodLimit));
        quiet.chat().recordDeliveries(true);
        System.out.printf(
                Locale.ROOT,
                "[%s] quiet: %d sockets at %.0f msg/s; flood: %d sockets offering %.0f msg/s"
                        + " against a tenant limit of %d/s%n",
                label,
                quiet.clients().length,
                quiet.rate(),
                flood.clients().length,
                flood.rate(),
                floodLimit);
        phase(label, "prewarm", quiet, flood, 0, dblOpt("prewarm", 5), floodLimit, false);
        Jcmd.collectBeforeMeasuring(opts.getOrDefault("server-pid", "0"));
        phase(label, "alone", quiet, null, warmup, measure, floodLimit, true);
        phase(label, "flood", quiet, flood, warmup, measure, floodLimit, true);
        for (Side side : new Side[] {quiet, flood}) {
            for (DurableChat.Client c : side.clients()) {
                c.conn.close();
            }
        }
        return 0;
    }

    private Side side(String tenant, String limitFields, int sockets, int users, int roomSize, double rate)
            throws Exception {
        DurableChat chat = new DurableChat(gen, opts, base, tenant);
        String[] tokens = chat.provision(limitFields, sockets, users);
        return new Side(chat, chat.connect(tokens, sockets, roomSize), new long[sockets], rate);
    }

    /** Runs quiet (and flood, when given) for warmup + measure seconds; reports the measured part. */
    private void phase(
            String label,
            String name,
            Side quiet,
            Side flood,
            double warmup,
            double measure,
            int floodLimit,
            boolean report)
            throws Exception {
        String load = ProcStats.loadAverage();
        String pid = opts.getOrDefault("server-pid", "0");
        long t0 = System.nanoTime() + 50_000_000L;
        long warmEnd = t0 + (long) (warmup * 1e9);
        long end = warmEnd + (long) (measure * 1e9);
        quiet.chat().recordBetween(quiet.clients(), warmEnd, end);
        DurableChat.Answers quietBefore = DurableChat.answers(quiet.clients());
        DurableChat.Schedule quietSchedule = quiet.schedule(t0, warmEnd, end);
        DurableChat.Schedule floodSchedule = flood == null ? null : flood.schedule(t0, warmEnd, end);
        LoadGen.sleepUntil(warmEnd);
        double cpu0 = ProcStats.cpuSeconds(pid);
        double gen0 = ProcStats.cpuSeconds("self");
        // the flood's accepted and refused counts over the measured window only: its burst is spent in warmup
        DurableChat.Answers floodAtWarmEnd = flood == null ? null : DurableChat.answers(flood.clients());
        long floodSentAtWarmEnd =
                floodSchedule == null ? 0 : floodSchedule.sent().get();
        LoadGen.sleepUntil(end);
        double cpu1 = ProcStats.cpuSeconds(pid);
        double gen1 = ProcStats.cpuSeconds("self");
        DurableChat.Answers floodInWindow =
                flood == null ? null : DurableChat.answers(flood.clients()).minus(floodAtWarmEnd);
        long floodSentInWindow =
                floodSchedule == null ? 0 : floodSchedule.sent().get() - floodSentAtWarmEnd;
        long rss = ProcStats.rssKib(pid);
        long quietSent = quietSchedule.finish();
        DurableChat.awaitAnswers(quiet.clients(), quietBefore, quietSent);
        if (floodSchedule != null) {
            floodSchedule.finish();
        }
        if (!report) {
            Thread.sleep(500);
            return;
        }
        Histogram acks = DurableChat.merged(quiet.clients(), false);
        Histogram deliveries = DurableChat.merged(quiet.clients(), true);
        DurableChat.Answers quietAnswers = DurableChat.answers(quiet.clients()).minus(quietBefore);
        long quietLost = quietAnswers.failed() + Math.max(0, quietSent - quietAnswers.total());
        boolean allOpen =
                DurableChat.allOpen(quiet.clients()) && (flood == null || DurableChat.allOpen(flood.clients()));
        double serverCpu = cpu1 - cpu0;
        double serverCpuPct = 100 * serverCpu / measure;
        // quiet's latencies count from quiet's own schedule, so only its pacer being late makes them say more about
        // the generator than the server; a flood pacer held back by the server's backpressure does not
        double lagMs = quietSchedule.lagMs();
        boolean quietOk = allOpen && quietLost == 0 && acks.getTotalCount() > 0 && deliveries.getTotalCount() > 0;
        boolean isVoid = lagMs > LoadGen.BEHIND_MS;
        String note = String.format(
                Locale.ROOT,
                "phase=%s; delivery_p50_ms=%.2f; delivery_p99_ms=%.2f; "
                        + "deliveries_per_s=%.0f; server_cpu_pct=%.0f%s",
                name,
                deliveries.getValueAtPercentile(50) / 1000.0,
                deliveries.getValueAtPercentile(99) / 1000.0,
                deliveries.getTotalCount() / measure,
                serverCpuPct,
                allOpen ? "" : "; sockets dropped");
        double ackP99 = acks.getValueAtPercentile(99) / 1000.0;
        gen.appendRow(String.join(
                "\t",
                "W4",
                "quiet",
                name,
                LoadGen.fmt(acks.getTotalCount() / measure),
                LoadGen.fmt2(acks.getValueAtPercentile(50) / 1000.0),
                LoadGen.fmt2(ackP99),
                LoadGen.fmt2(acks.getValueAtPercentile(99.9) / 1000.0),
                LoadGen.fmt2(acks.getMaxValue() / 1000.0),
                Long.toString(quietLost),
                "0",
                "0",
                LoadGen.fmt2(serverCpu),
                "",
                LoadGen.fmt(rss / 1024.0),
                LoadGen.fmt(100 * (gen1 - gen0) / measure),
                LoadGen.fmt2(lagMs),
                Boolean.toString(isVoid),
                Boolean.toString(quietOk),
                load,
                note));
        System.out.printf(
                Locale.ROOT,
                "[%s] %s: quiet acked %,.0f/s ack p50 %.2f ms p99 %.2f ms, delivery p99 %.2f ms,"
                        + " lost %d | server cpu %.0f%% rss %.0f MB | lag %.1f ms%s%n",
                label,
                name,
                acks.getTotalCount() / measure,
                acks.getValueAtPercentile(50) / 1000.0,
                ackP99,
                deliveries.getValueAtPercentile(99) / 1000.0,
                quietLost,
                serverCpuPct,
                rss / 1024.0,
                lagMs,
                isVoid ? " VOID" : "");
        if (flood != null) {
            double offered = floodSentInWindow / measure;
            double accepted = floodInWindow.acked() / measure;
            double refused = floodInWindow.rateLimited() / measure;
            long otherFailures = floodInWindow.failed() - floodInWindow.rateLimited();
            gen.appendRow(String.join(
                    "\t",
                    "W4",
                    "flood",
                    LoadGen.fmt(offered),
                    LoadGen.fmt(accepted),
                    "",
                    "",
                    "",
                    "",
                    Long.toString(otherFailures),
                    "0",
                    "0",
                    LoadGen.fmt2(serverCpu),
                    "",
                    LoadGen.fmt(rss / 1024.0),
                    "",
                    LoadGen.fmt2(floodSchedule.lagMs()),
                    "false",
                    Boolean.toString(otherFailures == 0),
                    load,
                    String.format(Locale.ROOT, "refused_per_s=%.0f; limit_per_s=%d", refused, floodLimit)));
            System.out.printf(
                    Locale.ROOT,
                    "[%s] flood: offered %,.0f/s accepted %,.0f/s (limit %,d/s) refused"
                            + " (rate_limited) %,.0f/s other failures %d | lag %.1f ms%n",
                    label,
                    offered,
                    accepted,
                    floodLimit,
                    refused,
                    otherFailures,
                    floodSchedule.lagMs());
        }
        Thread.sleep(500);
    }
}
