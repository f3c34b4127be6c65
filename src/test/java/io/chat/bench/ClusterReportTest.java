package io.chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W5's part of the report, on rows written the way {@link ClusterFanout} and {@link DurableChat} write them: the table
 * takes each row's best passing step, and the check asks for every row and the PostgreSQL rows' costs. Also the
 * process-tree CPU that W5 reads PostgreSQL with.
 */
class ClusterReportTest {
    private static String fanout(
            String server, String target, String delivered, String p99, boolean pass, String note) {
        return String.join(
                "\t",
                "W5",
                server,
                target,
                delivered,
                "3.00",
                p99,
                "40.00",
                "45.00",
                "0",
                "0",
                "0",
                "1.50",
                "8000",
                "900",
                "20",
                "1.00",
                "false",
                Boolean.toString(pass),
                "1.00/1.00/1.00",
                note);
    }

    private static String costs(String msgs, String redis, String postgres) {
        return "msgs_per_s=" + msgs + "; ack_p99_ms=12.00; redis_cpu_ms_per_1000=" + redis
                + "; postgres_cpu_ms_per_1000=" + postgres
                + "; nodes_cpu_pct=30; redis_cpu_pct=2; postgres_cpu_pct=5; receivers_per_room=48";
    }

    private static List<String> rows(boolean withThreeNodes) {
        List<String> rows = new ArrayList<>(List.of(
                LoadGen.HEADER,
                fanout("h2-1node", "4800", "4800", "20.00", true, costs("100", "nan", "nan")),
                fanout("h2-1node", "7680", "7600", "80.00", false, costs("160", "nan", "nan")),
                fanout("pg-1node", "4800", "4800", "25.00", true, costs("100", "3.0", "30.0")),
                fanout("pg-1node", "7680", "7680", "30.00", true, costs("160", "2.5", "28.0"))));
        if (withThreeNodes) {
            rows.add(fanout("pg-3nodes", "4800", "4800", "35.00", true, costs("100", "6.0", "31.0")));
        }
        rows.add(String.join(
                "\t",
                "W5",
                "pg-durable",
                "500",
                "500",
                "2.00",
                "20.00",
                "30.00",
                "35.00",
                "0",
                "0",
                "0",
                "0.50",
                "1000",
                "800",
                "",
                "1.00",
                "false",
                "true",
                "1.00/1.00/1.00",
                ""));
        rows.add(String.join(
                "\t",
                "W5",
                "pg-durable",
                "verify",
                "2500",
                "",
                "",
                "",
                "",
                "0",
                "0",
                "0",
                "",
                "",
                "",
                "",
                "",
                "false",
                "true",
                "1.00/1.00/1.00",
                "2500 acked messages looked up in the history via REST: 0 missing"));
        return rows;
    }

    @Test
    void theTableTakesEachRowsBestPassingStepAndItsCosts(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("results.tsv"), rows(true));
        List<Report.Row> rows = Report.read(dir.resolve("results.tsv"));
        String summary = Report.summary(rows, List.of(), "run");

        assertTrue(summary.contains("**W5 cluster**"), summary);
        assertTrue(
                summary.contains(
                        "| 1 node, H2 (`scripts/run` defaults) | 100 | 4,800 | 3.00 / 20.00 | 12.0 | 8,000 | 30 "
                                + "| n/a | n/a | 1/1/0 | 160 msgs/s: delivery p99 80.00 ms"),
                summary);
        assertTrue(
                summary.contains("| 1 cluster node (PostgreSQL, Redis) | 160 | 7,680 | 3.00 / 30.00 | 12.0 | 8,000 "
                        + "| 30 | 2.5 | 28.0 | 2/0/0 | none |"),
                summary);
        assertTrue(summary.contains("| 3 cluster nodes: senders on node 1, receivers on nodes 2-3 | 100 |"), summary);
        assertTrue(summary.contains("| 1 cluster node, PostgreSQL | 500 | 2.00 | 20.00 | 1,000 |"), summary);
        assertEquals(List.of(), Report.checkCluster(rows));
    }

    @Test
    void theCheckAsksForEveryRow(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("results.tsv"), rows(false));

        assertEquals(List.of("W5 pg-3nodes: no row"), Report.checkCluster(Report.read(dir.resolve("results.tsv"))));
    }

    @Test
    void aProcessTreeCountsAtLeastTheProcessItself() {
        String self = Long.toString(ProcessHandle.current().pid());

        double own = ProcStats.cpuSeconds(self);

        // read after: this JVM only adds CPU time meanwhile
        assertTrue(ProcStats.treeCpuSeconds(self) >= own);
        assertEquals(-1, ProcStats.treeCpuSeconds("999999999"));
        assertEquals(-1, ProcStats.cpuSecondsOfAll(self + ",999999999"));
    }
}
