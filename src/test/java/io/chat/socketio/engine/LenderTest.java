package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LenderTest {
    @Test
    void lendsEachObjectToOneBorrowerAtATimeAndNoMoreThanItsCount() {
        AtomicInteger made = new AtomicInteger();
        Lender<int[]> lender = new Lender<>(2, () -> new int[] {made.incrementAndGet()});
        int[] first = lender.borrow();
        int[] second = lender.borrow();
        assertNotNull(first);
        assertNotNull(second);
        assertNotSame(first, second);
        assertNull(lender.borrow(), "all lent: the caller makes its own");
        lender.giveBack(first);
        assertSame(first, lender.borrow(), "the one given back is lent again");
        lender.giveBack(first);
        lender.giveBack(second);
        Set<int[]> again = new HashSet<>(List.of(lender.borrow(), lender.borrow()));
        assertEquals(Set.of(first, second), again, "both lent again, each once");
        assertNull(lender.borrow());
        assertEquals(2, made.get(), "never more made than its count");
    }

    @Test
    void aForgottenOrUnmadeObjectCanBeMadeAgain() {
        AtomicInteger calls = new AtomicInteger();
        Lender<Object> lender = new Lender<>(1, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("the first one fails");
            }
            return new Object();
        });
        assertThrows(OutOfMemoryError.class, lender::borrow);
        Object made = lender.borrow();
        assertNotNull(made, "a failed making does not use up the count");
        assertNull(lender.borrow());
        lender.forget(); // the borrower dropped it
        Object another = lender.borrow();
        assertNotNull(another);
        assertNotSame(made, another);
        assertNull(lender.borrow());
    }

    /** A counter per lent object: two threads inside the same one at once would both see it above one. */
    private record Counted(AtomicInteger holders) {}

    @Test
    void manyThreadsNeverHoldTheSameObjectAtOnce() throws Exception {
        Lender<Counted> lender = new Lender<>(4, () -> new Counted(new AtomicInteger()));
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger lent = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    Counted object = lender.borrow();
                    if (object == null) {
                        refused.incrementAndGet();
                        continue;
                    }
                    lent.incrementAndGet();
                    if (object.holders().incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    for (int spin = 0; spin < 50; spin++) {
                        Thread.onSpinWait(); // hold it a while, as a write does
                    }
                    if (object.holders().decrementAndGet() != 0) {
                        overlaps.incrementAndGet();
                    }
                    lender.giveBack(object);
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, overlaps.get(), "an object lent to two threads at once");
        assertTrue(lent.get() > 0, "lent " + lent + ", refused " + refused);
        // every object is back: four can be borrowed again, each a different one, and no fifth
        Set<Counted> all = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            all.add(lender.borrow());
        }
        assertEquals(4, all.size());
        assertTrue(all.stream().allMatch(java.util.Objects::nonNull));
        assertNull(lender.borrow());
    }
}
