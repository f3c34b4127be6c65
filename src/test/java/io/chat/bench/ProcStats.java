package io.chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and RSS of a process from /proc (Linux); -1 when it cannot be read. */
final class ProcStats {
    /** USER_HZ: 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    /** utime + stime, in seconds, of {@code pid} ("self" for this JVM). */
    static double cpuSeconds(String pid) {
        try {
            // the command name may contain spaces: fields start after the last ')'
            String[] f = fields(pid);
            // f[0] is field 3 (state); utime is field 14, stime field 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The sum of {@link #cpuSeconds} over comma-separated pids (every node of a cluster); -1 if one is unreadable. */
    static double cpuSecondsOfAll(String pids) {
        double sum = 0;
        for (String pid : pids.split(",")) {
            double cpu = cpuSeconds(pid.trim());
            if (cpu < 0) {
                return -1;
            }
            sum += cpu;
        }
        return sum;
    }

    /**
     * A process and its live children, plus the children it has already reaped (cutime, cstime): PostgreSQL's
     * postmaster with its backends, WAL writer, checkpointer. -1 when the process cannot be read.
     */
    static double treeCpuSeconds(String pid) {
        try {
            String[] own = fields(pid);
            double sum = (Long.parseLong(own[11])
                            + Long.parseLong(own[12])
                            + Long.parseLong(own[13])
                            + Long.parseLong(own[14]))
                    / TICKS_PER_SECOND;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.toList()) {
                    String child = proc.getFileName().toString();
                    if (!child.chars().allMatch(Character::isDigit) || child.equals(pid)) {
                        continue;
                    }
                    try {
                        String[] f = fields(child);
                        if (f[1].equals(pid)) {
                            sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                        }
                    } catch (IOException | RuntimeException gone) {
                        // exited while listed: its time is in the parent's cutime once reaped
                    }
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** /proc/pid/stat from field 3 (state) on: f[1] is the parent pid, f[11..14] utime, stime, cutime, cstime. */
    private static String[] fields(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    /** The sum of {@link #rssKib} over comma-separated pids; -1 if one is unreadable. */
    static long rssKibOfAll(String pids) {
        long sum = 0;
        for (String pid : pids.split(",")) {
            long rss = rssKib(pid.trim());
            if (rss < 0) {
                return -1;
            }
            sum += rss;
        }
        return sum;
    }

    /** VmRSS in KiB. */
    static long rssKib(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
