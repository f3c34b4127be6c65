package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.socketio.engine.Upgrade.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upgrade state machine without sockets: a recorder for its effects, a timer the test turns by hand. */
class UpgradeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration NOOP_DELAY = Duration.ofMillis(100);

    private final List<String> effects = new ArrayList<>();
    private final ManualTimer timer = new ManualTimer();
    private final Upgrade<String> upgrade = new Upgrade<>(State.POLLING, new Recorder(), timer, TIMEOUT, NOOP_DELAY);

    private final class Recorder implements Upgrade.Effects<String> {
        @Override
        public void answerProbe(String candidate) {
            effects.add("answerProbe " + candidate);
        }

        @Override
        public void pausePolling() {
            effects.add("pausePolling");
        }

        @Override
        public void resumePolling() {
            effects.add("resumePolling");
        }

        @Override
        public void switchTo(String candidate) {
            effects.add("switchTo " + candidate);
        }

        @Override
        public void timedOut(String candidate) {
            effects.add("timedOut " + candidate);
        }
    }

    /** Tasks run only when the test says so; a cancelled task never runs. */
    private static final class ManualTimer implements Upgrade.Timer {
        private final List<Task> tasks = new ArrayList<>();

        private static final class Task {
            final Runnable runnable;
            final Duration delay;
            boolean cancelled;
            boolean ran;

            Task(Runnable runnable, Duration delay) {
                this.runnable = runnable;
                this.delay = delay;
            }
        }

        @Override
        public Runnable schedule(Runnable task, Duration delay) {
            Task scheduled = new Task(task, delay);
            tasks.add(scheduled);
            return () -> scheduled.cancelled = true;
        }

        /** Runs the due tasks scheduled with this delay. */
        void fire(Duration delay) {
            for (Task task : List.copyOf(tasks)) {
                if (task.delay.equals(delay) && !task.cancelled && !task.ran) {
                    task.ran = true;
                    task.runnable.run();
                }
            }
        }

        /** Runs the tasks with this delay even if cancelled: a timer that fired just as it was cancelled. */
        void fireEvenIfCancelled(Duration delay) {
            for (Task task : List.copyOf(tasks)) {
                if (task.delay.equals(delay) && !task.ran) {
                    task.ran = true;
                    task.runnable.run();
                }
            }
        }

        long live(Duration delay) {
            return tasks.stream()
                    .filter(t -> t.delay.equals(delay) && !t.cancelled && !t.ran)
                    .count();
        }
    }

    @Test
    void theWholeUpgrade() {
        assertEquals(State.POLLING, upgrade.state());
        assertTrue(upgrade.begin("ws"));
        assertEquals(State.PROBING, upgrade.state());
        assertEquals(1, timer.live(TIMEOUT), "the upgrade timeout runs");

        assertTrue(upgrade.receive("ws", "2probe"));
        assertEquals(State.UPGRADING, upgrade.state());
        assertEquals(List.of("answerProbe ws"), effects);

        timer.fire(NOOP_DELAY);
        assertEquals(List.of("answerProbe ws", "pausePolling"), effects, "polling paused with a NOOP, after a while");

        assertTrue(upgrade.receive("ws", "5"));
        assertEquals(State.UPGRADED, upgrade.state());
        assertEquals(List.of("answerProbe ws", "pausePolling", "switchTo ws"), effects);
    }

    @Test
    void completingCancelsTheTimeout() {
        upgrade.begin("ws");
        upgrade.receive("ws", "2probe");
        upgrade.receive("ws", "5");
        assertEquals(0, timer.live(TIMEOUT), "the timer is cancelled once \"5\" completes the upgrade");
        // a timer that fired at the same moment finds the upgrade over and closes nothing
        timer.fireEvenIfCancelled(TIMEOUT);
        assertFalse(effects.contains("timedOut ws"), effects.toString());
        assertEquals(State.UPGRADED, upgrade.state());
    }

    @Test
    void upgradeWithoutProbeCompletesLikeEngineIo() {
        upgrade.begin("ws");
        assertTrue(upgrade.receive("ws", "5"));
        assertEquals(State.UPGRADED, upgrade.state());
        assertEquals(List.of("switchTo ws"), effects);
        assertEquals(0, timer.live(TIMEOUT));
    }

    @Test
    void pollingIsNotPausedOnceTheUpgradeCompleted() {
        upgrade.begin("ws");
        upgrade.receive("ws", "2probe");
        upgrade.receive("ws", "5");
        timer.fire(NOOP_DELAY);
        assertEquals(List.of("answerProbe ws", "switchTo ws"), effects);
    }

    @Test
    void everyProbeIsAnswered() {
        upgrade.begin("ws");
        assertTrue(upgrade.receive("ws", "2probe"));
        assertTrue(upgrade.receive("ws", "2probe"));
        assertEquals(List.of("answerProbe ws", "answerProbe ws"), effects);
        assertEquals(State.UPGRADING, upgrade.state());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "3probe", "2probe ", "2PROBE", "5x", "4hello", "6", "1", "0"})
    void anythingElseHasNoPlaceInTheUpgrade(String packet) {
        upgrade.begin("ws");
        assertFalse(upgrade.receive("ws", packet));
        assertEquals(State.PROBING, upgrade.state());
        upgrade.receive("ws", "2probe");
        assertFalse(upgrade.receive("ws", packet));
        assertEquals(State.UPGRADING, upgrade.state());
        assertEquals(List.of("answerProbe ws"), effects);
    }

    @Test
    void oneCandidateAtATime() {
        assertTrue(upgrade.begin("first"));
        assertFalse(upgrade.begin("second"));
        assertFalse(upgrade.receive("second", "2probe"), "only the candidate takes part");
        assertFalse(upgrade.receive("second", "5"));
        assertEquals(State.PROBING, upgrade.state());
        assertTrue(effects.isEmpty());
        assertEquals(1, timer.live(TIMEOUT));
    }

    @Test
    void theTimeoutClosesTheCandidateWhichThenEnds() {
        upgrade.begin("ws");
        upgrade.receive("ws", "2probe");
        timer.fire(TIMEOUT);
        assertEquals(List.of("answerProbe ws", "timedOut ws"), effects);
        // the state holds until the closed candidate ends
        assertEquals(State.UPGRADING, upgrade.state());
        upgrade.end("ws");
        assertEquals(State.POLLING, upgrade.state());
        assertEquals(List.of("answerProbe ws", "timedOut ws", "resumePolling"), effects);
    }

    @Test
    void aCandidateTheTimeoutIsClosingCannotCompleteTheUpgrade() {
        upgrade.begin("ws");
        upgrade.receive("ws", "2probe");
        timer.fire(TIMEOUT);
        // the client's "5" was on its way when the timeout closed the candidate
        assertFalse(upgrade.receive("ws", "5"));
        assertFalse(upgrade.receive("ws", "2probe"));
        assertEquals(State.UPGRADING, upgrade.state());
        upgrade.end("ws");
        assertEquals(List.of("answerProbe ws", "timedOut ws", "resumePolling"), effects);
    }

    @Test
    void anEndedSessionAbandonsItsCandidateWhichCannotCompleteTheUpgrade() {
        upgrade.begin("ws");
        upgrade.receive("ws", "2probe");
        assertEquals(Optional.of("ws"), upgrade.abandon(), "the session closes it");
        assertEquals(Optional.empty(), upgrade.abandon(), "once");
        assertFalse(upgrade.receive("ws", "5"));
        timer.fire(NOOP_DELAY);
        timer.fire(TIMEOUT);
        assertEquals(List.of("answerProbe ws"), effects, "no pause, no second close");
        upgrade.end("ws");
        assertEquals(State.POLLING, upgrade.state());
    }

    @Test
    void nothingToAbandonWithoutACandidate() {
        assertEquals(Optional.empty(), upgrade.abandon());
        upgrade.begin("ws");
        upgrade.receive("ws", "5");
        assertEquals(Optional.empty(), upgrade.abandon(), "the upgraded transport is the session's own to close");
    }

    @Test
    void aCandidateThatEndsGivesPollingBack() {
        upgrade.begin("ws");
        upgrade.receive("ws", "2probe");
        upgrade.end("ws");
        assertEquals(State.POLLING, upgrade.state());
        assertEquals(0, timer.live(TIMEOUT), "no timeout left running");
        timer.fire(NOOP_DELAY);
        assertEquals(List.of("answerProbe ws", "resumePolling"), effects, "no pause after the candidate ended");
        // and the next candidate may try
        assertTrue(upgrade.begin("ws2"));
        assertEquals(State.PROBING, upgrade.state());
    }

    @Test
    void aCandidateEndingBeforeItsProbe() {
        upgrade.begin("ws");
        upgrade.end("ws");
        assertEquals(State.POLLING, upgrade.state());
        assertEquals(List.of("resumePolling"), effects);
    }

    @Test
    void anOldCandidateEndingLeavesTheNewOneAlone() {
        upgrade.begin("old");
        upgrade.end("old");
        upgrade.begin("new");
        upgrade.end("old");
        assertEquals(State.PROBING, upgrade.state());
        assertEquals(List.of("resumePolling"), effects);
        // nor does the old candidate's timeout, were it to fire
        timer.fireEvenIfCancelled(TIMEOUT);
        assertEquals(List.of("resumePolling", "timedOut new"), effects);
    }

    @Test
    void theUpgradedTransportEndingIsNoLongerTheUpgradesBusiness() {
        upgrade.begin("ws");
        upgrade.receive("ws", "5");
        upgrade.end("ws");
        assertEquals(State.UPGRADED, upgrade.state());
        assertEquals(List.of("switchTo ws"), effects);
    }

    @Test
    void noSecondUpgrade() {
        upgrade.begin("ws");
        upgrade.receive("ws", "5");
        assertFalse(upgrade.begin("again"));
        assertFalse(upgrade.receive("ws", "5"));
        assertEquals(List.of("switchTo ws"), effects);
    }

    @Test
    void aSessionOpenedOnAWebSocketNeverUpgrades() {
        Upgrade<String> onWebSocket = new Upgrade<>(State.UPGRADED, new Recorder(), timer, TIMEOUT, NOOP_DELAY);
        assertFalse(onWebSocket.begin("ws"));
        assertFalse(onWebSocket.receive("ws", "2probe"));
        onWebSocket.end("ws");
        assertEquals(State.UPGRADED, onWebSocket.state());
        assertTrue(effects.isEmpty());
        assertEquals(0, timer.live(TIMEOUT));
    }
}
