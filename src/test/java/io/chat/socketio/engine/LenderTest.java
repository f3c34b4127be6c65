package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
        lender.borrow();
        lender.borrow();
        assertNull(lender.borrow());
        assertEquals(2, made.get(), "never more made than its count");
    }

    @Test
    void manyThreadsNeverHoldTheSameObjectAtOnce() throws Exception {
        Lender<Object> lender = new Lender<>(4, Object::new);
        ConcurrentHashMap<Object, Boolean> held = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger lent = new AtomicInteger();
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
                    Object object = lender.borrow();
                    if (object == null) {
                        continue;
                    }
                    lent.incrementAndGet();
                    if (held.putIfAbsent(object, true) != null) {
                        overlaps.incrementAndGet();
                    }
                    held.remove(object);
                    lender.giveBack(object);
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, overlaps.get(), "an object lent to two threads at once");
        assertEquals(true, lent.get() > 0);
        // every object is back: all four can be borrowed again, and no fifth
        for (int i = 0; i < 4; i++) {
            assertNotNull(lender.borrow());
        }
        assertNull(lender.borrow());
    }
}
