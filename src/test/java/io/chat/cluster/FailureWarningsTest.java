package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A Redis outage's failed calls are logged a line per kind and period, with the count of those in between. */
class FailureWarningsTest {
    private static final String RATE = "event=cluster-rate outcome=failed";
    private static final String PRESENCE = "event=cluster-presence outcome=failed";

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> lines = new ArrayList<>();
    private final FailureWarnings warnings = new FailureWarnings(new Lines(lines), now::get, Duration.ofNanos(100));

    @Test
    void anOutageAtAThousandMessagesASecondLogsALinePerPeriod() {
        for (int i = 0; i < 1_000; i++) {
            warnings.failed(RATE);
        }
        warnings.failed(PRESENCE);
        assertEquals(List.of(RATE, PRESENCE), lines, "the first of each kind at once");

        now.addAndGet(50);
        warnings.flush();
        assertEquals(2, lines.size(), "nothing before the period is over");

        now.addAndGet(50);
        warnings.flush();
        assertEquals(List.of(RATE, PRESENCE, RATE + " count=999"), lines, "the beat tells the count");

        now.addAndGet(100);
        warnings.failed(RATE);
        assertEquals(RATE, lines.getLast(), "a period with none since: logged at once");
        warnings.failed(RATE);
        warnings.failed(RATE);
        now.addAndGet(100);
        warnings.failed(RATE);
        assertEquals(RATE + " count=3", lines.getLast(), "the next failure after the period: itself and those before");
        warnings.failed(RATE);
        warnings.flushAll();
        assertEquals(RATE, lines.getLast(), "at close, whatever is counted, period or not (one: no count)");
        assertEquals(
                1_000 + 1 + 3 + 1,
                lines.stream()
                        .filter(line -> line.startsWith(RATE))
                        .mapToLong(line -> line.contains("count=") ? Long.parseLong(line.split("count=")[1]) : 1)
                        .sum(),
                "the counts add up to every failure");
    }

    @Test
    void aKindQuietForAPeriodIsLoggedAtOnceAgain() {
        warnings.failed(RATE);
        now.addAndGet(100);
        warnings.flush(); // none since: quiet
        now.addAndGet(10);
        warnings.failed(RATE);
        assertEquals(List.of(RATE, RATE), lines);
        warnings.failed(RATE);
        assertEquals(2, lines.size(), "counted within the period");
    }

    /** A logger that keeps the lines it is given. */
    private record Lines(List<String> lines) implements System.Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            lines.add(message);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }
}
