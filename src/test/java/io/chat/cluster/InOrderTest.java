package io.chat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What follows the cluster's answers runs in the order they came, off the thread that gave them. */
class InOrderTest {
    @Test
    void tasksRunOneAtATimeInTheOrderGivenOffTheCallersThread() throws Exception {
        InOrder inOrder = new InOrder("test-in-order");
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(10_000);
        int[] running = {0};
        boolean[] overlapped = {false};
        for (int i = 0; i < 10_000; i++) {
            int task = i;
            inOrder.execute(() -> {
                synchronized (running) {
                    overlapped[0] |= ++running[0] > 1;
                }
                ran.add(task);
                threads.add(Thread.currentThread());
                if (task % 1_000 == 0) {
                    Thread.yield();
                }
                synchronized (running) {
                    running[0]--;
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran);
        assertTrue(!overlapped[0], "two tasks ran at once");
        threads.forEach(thread -> assertNotSame(Thread.currentThread(), thread));
        assertTrue(threads.stream().allMatch(Thread::isVirtual));
    }

    @Test
    void aTaskThatThrowsHoldsNoOtherBack() throws Exception {
        InOrder inOrder = new InOrder("test-in-order");
        CountDownLatch after = new CountDownLatch(2);
        inOrder.execute(() -> {
            throw new IllegalStateException("a broken emit");
        });
        inOrder.execute(after::countDown);
        inOrder.execute(() -> {
            throw new AssertionError("an Error ends its thread");
        });
        inOrder.execute(after::countDown);
        assertTrue(after.await(10, TimeUnit.SECONDS), "the tasks after a failed one ran");
    }
}
