package io.chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A partial run rewrites only its own scenarios in the README's bench block (Report.merged). */
class ReportMergeTest {
    private static final String OLD_BLOCK = """

            Run `A`, `scripts/bench --scenarios W1,START`.

            - machine: old box
            - W1: --sockets 1000
            - START: scripts/run, 5 starts
            - W5: --rooms 20 (old)
            - load before: 1 1 1

            **Cold start** (5 starts): median 1300 ms.

            **W1 fan-out** (sockets): the table.

            | server | best |
            |---|---:|
            | ours | 1 |

            **W5 cluster** (rooms): old rows.

            | row | msgs/s |
            |---|---:|
            | 3 nodes | none passed |

            Reproduce: `scripts/bench`.
            """;

    private static final String W5_ONLY = """
            Run `B`, `scripts/bench --scenarios W5`.

            - machine: new box
            - W5: --rooms 20 (new)
            - load before: 2 2 2
            - W5 PostgreSQL WAL: 1120 bytes per message

            **W5 cluster** (rooms): new rows.

            | row | msgs/s |
            |---|---:|
            | 3 nodes | 266 |
            """;

    @Test
    void aW5OnlyRunKeepsTheColdStartParagraphAndTheOtherScenariosWithTheirHeaderLines() {
        String merged = Report.merged(OLD_BLOCK, W5_ONLY);
        assertTrue(merged.startsWith("Run `B`"), merged);
        assertTrue(merged.contains("- W5: --rooms 20 (new)\n"), merged);
        assertTrue(!merged.contains("(old)"), merged);
        assertTrue(
                merged.contains("- W1: --sockets 1000\n- START: scripts/run, 5 starts\n- W5: --rooms 20 (new)\n"
                        + "- load before: 2 2 2"),
                merged);
        assertTrue(merged.contains("**Cold start** (from run `A`) (5 starts): median 1300 ms."), merged);
        assertTrue(merged.contains("**W1 fan-out** (from run `A`) (sockets)"), merged);
        assertTrue(merged.contains("| 3 nodes | 266 |"), merged);
        assertTrue(!merged.contains("none passed"), merged);
        // a full run's order: W1 ... START, then W5
        assertTrue(
                merged.indexOf("**W1") < merged.indexOf("**Cold start")
                        && merged.indexOf("**Cold start") < merged.indexOf("**W5"),
                merged);
        assertTrue(merged.indexOf("- START:") < merged.indexOf("- load before"), merged);
    }

    @Test
    void aFullRunReplacesEverything() {
        String full = """
                Run `C`, `scripts/bench`.

                - W1: --sockets 1000
                - START: scripts/run
                - W5: --rooms 20
                - load before: 3 3 3

                **W1 fan-out** (sockets): new table.

                **Cold start** (5 starts): median 1200 ms.

                **W5 cluster** (rooms): newest rows.
                """;
        String merged = Report.merged(OLD_BLOCK, full);
        assertEquals(full.strip() + "\n", merged);
    }
}
