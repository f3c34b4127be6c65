package io.chat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's load generator: open loop (every message has a scheduled send time fixed before the run;
 * latency is measured from that time, so a late sender is charged, not hidden), a virtual thread per socket,
 * HdrHistogram, bare Socket.IO over WebSocket ({@link SioConn}).
 *
 * <p>{@code fanout} (W1): sockets in rooms; a few senders per room emit {@code m (room, "S:Q:T:pad")} at a
 * fixed total rate; the server relays to the whole room; every receiver checks per-sender sequence numbers
 * (loss, duplicates, order) and records now - T. The rate is swept upward until a step fails (p99 over the
 * limit, any loss, a dropped socket). A step is void when the generator fell behind its own schedule.
 *
 * <p>{@code durable} (W2) and {@code fairness} (W4) run on the real platform: {@link DurableChat}, {@link Fairness};
 * {@code cluster-fanout} (W5) on a cluster's nodes: {@link ClusterFanout}.
 *
 * <p>{@code capacity} (W3): opens idle sockets (from several 127.0.0.x source addresses), reports connects/s
 * and the server's RSS per socket, holds them, and checks they are all still open. With {@code --heap-profile FILE}
 * (a JVM server), it also writes there the live heap each socket adds, by class ({@link HeapHistogram}).
 *
 * <p>Each step appends one tab-separated row to {@code --out} (see {@link #HEADER}).
 */
public final class LoadGen {
    static final String HEADER = String.join(
            "\t",
            "scenario",
            "server",
            "target_per_s",
            "delivered_per_s",
            "p50_ms",
            "p99_ms",
            "p999_ms",
            "max_ms",
            "lost",
            "dup_or_late",
            "reordered",
            "server_cpu_s",
            "per_cpu_s",
            "server_rss_mb",
            "gen_cpu_pct",
            "max_lag_ms",
            "void",
            "pass",
            "load",
            "note");

    /** The generator is behind its schedule when a message goes out later than this. */
    static final double BEHIND_MS = 10;

    private final Map<String, String> opts;
    private final long base = System.nanoTime();

    private LoadGen(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        LoadGen gen = new LoadGen(opts);
        String mode = opts.getOrDefault("mode", "fanout");
        int code =
                switch (mode) {
                    case "fanout" -> gen.fanout();
                    case "capacity" -> gen.capacity();
                    case "durable" -> new DurableChat(gen, opts, gen.base).run();
                    case "fairness" -> new Fairness(gen, opts, gen.base).run();
                    case "start" -> new ColdStart(gen, opts).run();
                    case "cluster-fanout" -> new ClusterFanout(gen, opts, gen.base).run();
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                };
        System.exit(code);
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

    private String pid() {
        return opt("server-pid", "0");
    }

    // ---------------------------------------------------------------- W1 fan-out

    /** One receiving socket's state; touched by its reader thread, read by the main thread after a drain. */
    private static final class Receiver {
        final SioConn conn;
        final int room;
        final long[] last;
        volatile long received;
        volatile long dupOrLate;
        volatile long reordered;

        Receiver(SioConn conn, int room, int senders) {
            this.conn = conn;
            this.room = room;
            this.last = new long[senders];
        }
    }

    private boolean reporting = true;
    /** Every receiver records here (microseconds, up to 60 s); uncontended when the generator has one core. */
    private final Histogram latencies = new Histogram(60_000_000L, 3);

    private volatile long recordFrom = Long.MAX_VALUE;
    private volatile long recordUntil = Long.MAX_VALUE;

    private int fanout() throws Exception {
        String host = opt("host", "127.0.0.1");
        int port = intOpt("port", 3000);
        String path = opt("path", "/socket.io/");
        String label = opt("server", "server");
        int sockets = intOpt("sockets", 1000);
        int rooms = intOpt("rooms", 10);
        int sendersPerRoom = intOpt("senders-per-room", 4);
        int payloadBytes = intOpt("payload", 100);
        double warmup = dblOpt("warmup", 2);
        double measure = dblOpt("measure", 5);
        double p99Limit = dblOpt("p99-ms", 50);
        double start = dblOpt("start", 20_000);
        double factor = dblOpt("factor", 1.5);
        int maxSteps = intOpt("max-steps", 20);
        double maxRate = dblOpt("max-rate", 1e9);
        int refine = intOpt("refine", 1);
        int roomSize = sockets / rooms;
        int senders = rooms * sendersPerRoom;

        System.out.printf(
                Locale.ROOT, "[%s] connecting %d sockets in %d rooms of %d%n", label, sockets, rooms, roomSize);
        Receiver[] receivers = new Receiver[sockets];
        connectAll(sockets, 200, i -> {
            int room = i % rooms;
            SioConn conn = SioConn.connect(host, port, path, null, 32 * 1024, null);
            conn.send("421[\"join\",\"r" + room + "\"]");
            String ack;
            do {
                ack = conn.nextText();
            } while (ack != null && !ack.startsWith("431"));
            if (ack == null) {
                throw new IOException("closed before the join ack");
            }
            Receiver r = new Receiver(conn, room, senders);
            receivers[i] = r;
            Thread.ofVirtual().name("recv-" + i).start(() -> conn.readLoop((p, n) -> onMessage(r, p, n)));
        });
        // sender s (global id) = room (s / sendersPerRoom), socket = the (s % sendersPerRoom)-th of that room
        SioConn[] senderConns = new SioConn[senders];
        for (int s = 0; s < senders; s++) {
            int room = s / sendersPerRoom;
            senderConns[s] = receivers[room + rooms * (s % sendersPerRoom)].conn;
        }
        long[] seq = new long[senders];
        System.out.printf(
                Locale.ROOT,
                "[%s] connected; sweeping from %.0f deliveries/s (p99 <= %.0f ms, no loss)%n",
                label,
                start,
                p99Limit);

        double prewarm = dblOpt("prewarm", 5);
        if (prewarm > 0) {
            System.out.printf(
                    Locale.ROOT, "[%s] warming up for %.0f s at %,.0f/s (not reported)%n", label, prewarm, start);
            reporting = false;
            step(
                    label,
                    receivers,
                    senderConns,
                    seq,
                    sendersPerRoom,
                    roomSize,
                    payloadBytes,
                    start,
                    prewarm,
                    1,
                    p99Limit);
            reporting = true;
        }
        Jcmd.collectBeforeMeasuring(pid());
        double rate = start;
        double lastPass = -1;
        double firstFail = -1;
        int refinesLeft = refine;
        int voids = 0;
        for (int steps = 0; steps < maxSteps; steps++) {
            StepResult r = step(
                    label,
                    receivers,
                    senderConns,
                    seq,
                    sendersPerRoom,
                    roomSize,
                    payloadBytes,
                    rate,
                    warmup,
                    measure,
                    p99Limit);
            if (r.isVoid) {
                if (++voids <= 2) {
                    System.out.printf(Locale.ROOT, "[%s] step void (generator behind its schedule): repeat%n", label);
                    continue;
                }
                System.out.printf(Locale.ROOT, "[%s] step void (generator behind its schedule): stop%n", label);
                break;
            }
            voids = 0;
            if (r.pass) {
                lastPass = Math.max(lastPass, rate);
            } else {
                firstFail = firstFail < 0 ? rate : Math.min(firstFail, rate);
            }
            if (!r.allOpen) {
                System.out.printf(Locale.ROOT, "[%s] sockets were dropped: stop%n", label);
                break;
            }
            if (firstFail < 0) {
                if (rate >= maxRate) {
                    break;
                }
                rate = Math.min(maxRate, rate * factor);
                continue;
            }
            if (lastPass < 0 || refinesLeft-- <= 0) {
                break;
            }
            rate = (lastPass + firstFail) / 2;
        }
        for (Receiver r : receivers) {
            r.conn.close();
        }
        return 0;
    }

    private record StepResult(boolean pass, boolean isVoid, boolean allOpen) {}

    private StepResult step(
            String label,
            Receiver[] receivers,
            SioConn[] senderConns,
            long[] seq,
            int sendersPerRoom,
            int roomSize,
            int payloadBytes,
            double deliveriesPerSecond,
            double warmup,
            double measure,
            double p99Limit)
            throws Exception {
        int senders = senderConns.length;
        double messagesPerSecond = deliveriesPerSecond / roomSize;
        double perSender = messagesPerSecond / senders;
        long intervalNanos = (long) (1e9 / perSender);
        String load = ProcStats.loadAverage();
        long received0 = totalReceived(receivers);
        synchronized (latencies) {
            latencies.reset();
        }
        long t0 = System.nanoTime() + 50_000_000L;
        long warmEnd = t0 + (long) (warmup * 1e9);
        long end = warmEnd + (long) (measure * 1e9);
        recordFrom = warmEnd - base;
        recordUntil = end - base;
        AtomicLong sent = new AtomicLong();
        AtomicLong maxLag = new AtomicLong();
        AtomicInteger sendFailures = new AtomicInteger();
        long warmEndForLag = warmEnd;
        Thread pacer = Thread.ofPlatform()
                .name("pacer")
                .priority(Thread.MAX_PRIORITY)
                .start(() -> {
                    try {
                        pace(
                                sendersPerRoom,
                                senderConns,
                                seq,
                                payloadBytes,
                                t0,
                                intervalNanos,
                                end,
                                warmEndForLag,
                                sent,
                                maxLag);
                    } catch (IOException e) {
                        sendFailures.incrementAndGet();
                    }
                });
        sleepUntil(warmEnd);
        double cpu0 = ProcStats.cpuSeconds(pid());
        double gen0 = ProcStats.cpuSeconds("self");
        sleepUntil(end);
        double cpu1 = ProcStats.cpuSeconds(pid());
        double gen1 = ProcStats.cpuSeconds("self");
        long rss = ProcStats.rssKib(pid());
        pacer.join();
        long expected = sent.get() * roomSize;
        // drain: wait for everything sent, at most 10 s after the schedule ended and 3 s without progress
        long deadline = System.nanoTime() + 10_000_000_000L;
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long got = totalReceived(receivers) - received0;
            if (got >= expected) {
                break;
            }
            if (got != lastCount) {
                lastCount = got;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > 3_000_000_000L) {
                break;
            }
            Thread.sleep(20);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        long dup = 0;
        long reordered = 0;
        boolean allOpen = true;
        synchronized (latencies) {
            all.add(latencies);
        }
        for (Receiver r : receivers) {
            dup += r.dupOrLate;
            reordered += r.reordered;
            allOpen &= r.conn.open;
        }
        long got = totalReceived(receivers) - received0;
        long lost = Math.max(0, expected - (got - dup));
        double delivered = all.getTotalCount() / measure;
        double serverCpu = cpu1 >= 0 && cpu0 >= 0 ? cpu1 - cpu0 : -1;
        double perCpu = serverCpu > 0 ? all.getTotalCount() / serverCpu : -1;
        double genCpuPct = 100 * (gen1 - gen0) / measure;
        double p99 = all.getValueAtPercentile(99) / 1000.0;
        double lagMs = maxLag.get() / 1e6;
        boolean met = allOpen && lost == 0 && dup == 0 && all.getTotalCount() > 0 && p99 <= p99Limit;
        // a late sender only adds to the measured latency (it is charged from the scheduled time), so a step that
        // meets the limits despite it still passes; a failing step whose generator was behind is void
        boolean isVoid = !met && (lagMs > BEHIND_MS || sendFailures.get() > 0 && allOpen);
        boolean pass = met;
        String note = (allOpen ? "" : "sockets dropped; ")
                + (genCpuPct > 90 ? "generator core saturated; " : "")
                + (reordered > 0 ? "out of order; " : "");
        String row = String.join(
                "\t",
                "W1",
                label,
                fmt(deliveriesPerSecond),
                fmt(delivered),
                fmt2(all.getValueAtPercentile(50) / 1000.0),
                fmt2(p99),
                fmt2(all.getValueAtPercentile(99.9) / 1000.0),
                fmt2(all.getMaxValue() / 1000.0),
                Long.toString(lost),
                Long.toString(dup),
                Long.toString(reordered),
                fmt2(serverCpu),
                fmt(perCpu),
                fmt(rss / 1024.0),
                fmt(genCpuPct),
                fmt2(lagMs),
                Boolean.toString(isVoid),
                Boolean.toString(pass),
                load,
                note.trim());
        if (!reporting) {
            Thread.sleep(500);
            return new StepResult(pass, isVoid, allOpen);
        }
        appendRow(row);
        System.out.printf(
                Locale.ROOT,
                "[%s] target %,.0f/s: delivered %,.0f/s p50 %.2f ms p99 %.2f ms max %.1f ms"
                        + " lost %d dup %d | server cpu %.2f s (%,.0f deliveries/cpu-s) rss %.0f MB | gen cpu"
                        + " %.0f%% lag %.1f ms | %s%s%n",
                label,
                deliveriesPerSecond,
                delivered,
                all.getValueAtPercentile(50) / 1000.0,
                p99,
                all.getMaxValue() / 1000.0,
                lost,
                dup,
                serverCpu,
                perCpu,
                rss / 1024.0,
                genCpuPct,
                lagMs,
                isVoid ? "VOID" : pass ? "pass" : "FAIL",
                note.isEmpty() ? "" : " (" + note.trim() + ")");
        Thread.sleep(500);
        return new StepResult(pass, isVoid, allOpen);
    }

    /**
     * The schedule: sender s sends its i-th message at t0 + s * interval / senders + i * interval, whatever
     * happened before (open loop). One platform thread writes every due message; when it is late it writes all
     * that are due in one batch per socket, each still stamped with its scheduled time; its lateness in the
     * measured window is the step's lag.
     */
    private void pace(
            int sendersPerRoom,
            SioConn[] conns,
            long[] seq,
            int payloadBytes,
            long t0,
            long interval,
            long end,
            long warmEnd,
            AtomicLong sent,
            AtomicLong maxLag)
            throws IOException {
        int senders = conns.length;
        long[] next = new long[senders];
        byte[][] prefixes = new byte[senders][];
        for (int s = 0; s < senders; s++) {
            next[s] = t0 + interval * s / senders;
            prefixes[s] = ("42[\"m\",\"r" + (s / sendersPerRoom) + "\",\"").getBytes(StandardCharsets.US_ASCII);
        }
        byte[] batch = new byte[256 * 1024];
        byte[] text = new byte[64 + payloadBytes];
        long count = 0;
        while (true) {
            long now = System.nanoTime();
            long earliest = Long.MAX_VALUE;
            boolean any = false;
            for (int s = 0; s < senders; s++) {
                if (next[s] >= end) {
                    continue;
                }
                any = true;
                if (next[s] > now) {
                    earliest = Math.min(earliest, next[s]);
                    continue;
                }
                long lag = now - next[s];
                if (next[s] >= warmEnd && lag > maxLag.get()) {
                    maxLag.set(lag);
                }
                byte[] prefix = prefixes[s];
                System.arraycopy(prefix, 0, text, 0, prefix.length);
                int at = 0;
                while (next[s] <= now && next[s] < end && at + text.length + 8 < batch.length) {
                    long q = ++seq[s];
                    String head = s + ":" + q + ":" + (next[s] - base) + ":";
                    int h = head.length();
                    for (int i = 0; i < h; i++) {
                        text[prefix.length + i] = (byte) head.charAt(i);
                    }
                    for (int i = h; i < payloadBytes; i++) {
                        text[prefix.length + i] = 'x';
                    }
                    int len = prefix.length + payloadBytes;
                    text[len++] = '"';
                    text[len++] = ']';
                    at = SioConn.appendFrame(batch, at, 0x81, text, 0, len);
                    next[s] += interval;
                    count++;
                }
                conns[s].sendRaw(batch, at);
                if (next[s] < end) {
                    earliest = Math.min(earliest, next[s]);
                }
            }
            if (!any) {
                break;
            }
            long wait = earliest - System.nanoTime();
            if (wait > 0 && earliest != Long.MAX_VALUE) {
                LockSupport.parkNanos(wait);
            }
        }
        sent.set(count);
    }

    private static final byte[] M = "42[\"m\",\"".getBytes(StandardCharsets.US_ASCII);

    private void onMessage(Receiver r, byte[] p, int n) {
        if (n < M.length + 6) {
            return;
        }
        for (int i = 0; i < M.length; i++) {
            if (p[i] != M[i]) {
                return;
            }
        }
        long now = System.nanoTime();
        int i = M.length;
        long s = 0;
        while (p[i] != ':') {
            s = s * 10 + (p[i++] - '0');
        }
        i++;
        long q = 0;
        while (p[i] != ':') {
            q = q * 10 + (p[i++] - '0');
        }
        i++;
        long t = 0;
        while (p[i] != ':') {
            t = t * 10 + (p[i++] - '0');
        }
        int sender = (int) s;
        long last = r.last[sender];
        if (q == last + 1) {
            r.last[sender] = q;
        } else if (q > last + 1) {
            r.reordered++;
            r.last[sender] = q;
        } else {
            r.dupOrLate++;
        }
        if (t >= recordFrom && t < recordUntil) {
            long micros = (now - base - t) / 1000;
            synchronized (latencies) {
                latencies.recordValue(Math.min(Math.max(micros, 0), 60_000_000L));
            }
        }
        r.received++;
    }

    private static long totalReceived(Receiver[] receivers) {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.received;
        }
        return n;
    }

    // ---------------------------------------------------------------- W3 capacity

    private int capacity() throws Exception {
        String host = opt("host", "127.0.0.1");
        int port = intOpt("port", 3000);
        String path = opt("path", "/socket.io/");
        String label = opt("server", "server");
        int sockets = intOpt("sockets", 1000);
        int concurrency = intOpt("concurrency", 64);
        double hold = dblOpt("hold", 10);
        String[] sources = opt("sources", "127.0.0.1").split(",");
        InetAddress[] addresses = new InetAddress[sources.length];
        for (int i = 0; i < sources.length; i++) {
            addresses[i] = InetAddress.getByName(sources[i]);
        }
        String load = ProcStats.loadAverage();
        long rss0 = ProcStats.rssKib(pid());
        double cpu0 = ProcStats.cpuSeconds(pid());
        // after RSS before was read: its full GC must not change the baseline
        String heapProfile = opt("heap-profile", "");
        Optional<HeapHistogram> heap0 = heapProfile.isEmpty() ? Optional.empty() : HeapHistogram.of(pid());
        System.out.printf(
                Locale.ROOT,
                "[%s] opening %d idle sockets (%d at a time, %d source addresses);" + " server RSS before %.0f MB%n",
                label,
                sockets,
                concurrency,
                sources.length,
                rss0 / 1024.0);
        SioConn[] conns = new SioConn[sockets];
        Opener opener = i -> {
            SioConn conn = SioConn.connect(host, port, path, addresses[i % addresses.length], 512, null);
            conns[i] = conn;
            Thread.ofVirtual().start(() -> conn.readLoop((p, n) -> {}));
        };
        // half, held, then the rest: the growth over the second half is what one more socket costs, without the
        // fixed part (a heap's young generation touched once, compiled code) that the first sockets pay for
        int half = sockets / 2;
        long t0 = System.nanoTime();
        int failed = connectAll(half, concurrency, opener);
        double firstSeconds = (System.nanoTime() - t0) / 1e9;
        // the server's CPU while connecting, not while holding
        double connectCpu = ProcStats.cpuSeconds(pid()) - cpu0;
        Thread.sleep((long) (hold * 1000));
        long rssHalf = ProcStats.rssKib(pid());
        int openHalf = countOpen(conns);
        double cpuSecondHalf = ProcStats.cpuSeconds(pid());
        long t1 = System.nanoTime();
        failed += connectAll(sockets - half, concurrency, i -> opener.open(half + i));
        double seconds = firstSeconds + (System.nanoTime() - t1) / 1e9;
        double connectsPerSecond = (sockets - failed) / seconds;
        connectCpu += ProcStats.cpuSeconds(pid()) - cpuSecondHalf;
        System.out.printf(
                Locale.ROOT,
                "[%s] %d open in %.1f s (%,.0f connects/s, %d failed); %d at the half-way hold; holding %.0f s%n",
                label,
                sockets - failed,
                seconds,
                connectsPerSecond,
                failed,
                openHalf,
                hold);
        Thread.sleep((long) (hold * 1000));
        long rss1 = ProcStats.rssKib(pid());
        int open = countOpen(conns);
        double kibPerSocket = open > 0 ? (rss1 - rss0) / (double) open : -1;
        double kibPerSocketHalf = openHalf > 0 ? (rssHalf - rss0) / (double) openHalf : -1;
        double kibPerAddedSocket = open > openHalf ? (rss1 - rssHalf) / (double) (open - openHalf) : -1;
        String perSocket = String.format(
                Locale.ROOT,
                "%.1f KiB RSS/socket added from %d to %d; %.1f KiB RSS/socket at %d, %.1f at %d",
                kibPerAddedSocket,
                openHalf,
                open,
                kibPerSocketHalf,
                openHalf,
                kibPerSocket,
                open);
        if (heap0.isPresent() && open > 0) {
            Optional<HeapHistogram> heap1 = HeapHistogram.of(pid());
            if (heap1.isPresent()) {
                Files.writeString(Path.of(heapProfile), heap1.get().perSocket(heap0.get(), open, 60));
            }
        }
        boolean pass = failed == 0 && open == sockets;
        String row = String.join(
                "\t",
                "W3",
                label,
                fmt(sockets),
                fmt(connectsPerSecond),
                "",
                "",
                "",
                "",
                Integer.toString(sockets - open),
                "0",
                "0",
                fmt2(connectCpu),
                fmt(open / Math.max(connectCpu, 0.01)),
                fmt(rss1 / 1024.0),
                "",
                "",
                "false",
                Boolean.toString(pass),
                load,
                open + " held; " + perSocket);
        appendRow(row);
        System.out.printf(
                Locale.ROOT,
                "[%s] %d of %d still open after %.0f s; server RSS %.0f MB: %s | %s%n",
                label,
                open,
                sockets,
                hold,
                rss1 / 1024.0,
                perSocket,
                pass ? "pass" : "FAIL");
        for (SioConn c : conns) {
            if (c != null) {
                c.abort();
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- helpers

    private static int countOpen(SioConn[] conns) {
        int open = 0;
        for (SioConn c : conns) {
            if (c != null && c.open) {
                open++;
            }
        }
        return open;
    }

    interface Opener {
        void open(int i) throws IOException;
    }

    /** Opens {@code count} connections, {@code concurrency} at a time; returns how many failed. */
    static int connectAll(int count, int concurrency, Opener opener) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            int index = i;
            Thread.ofVirtual().start(() -> {
                try {
                    opener.open(index);
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    if (errors.size() < 3) {
                        errors.add(e.toString());
                    }
                } finally {
                    permits.release();
                    done.countDown();
                }
            });
        }
        done.await();
        if (failed.get() > 0) {
            System.out.println("connect failures: " + failed.get() + " e.g. " + errors);
        }
        return failed.get();
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    void appendRow(String row) {
        String out = opts.get("out");
        if (out == null) {
            return;
        }
        try {
            Path file = Path.of(out);
            List<String> lines = new ArrayList<>();
            if (!Files.exists(file)) {
                lines.add(HEADER);
            }
            lines.add(row);
            Files.write(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
