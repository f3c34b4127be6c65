package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import org.junit.jupiter.api.Test;

/**
 * A send that has returned is not yet visible to the consumer while another, earlier sender sits between its tail
 * swap and its link ({@link Outbox#add}: two instructions, but a platform or carrier thread can be descheduled between
 * them for a whole time slice). For wake-ups the javadoc's argument holds (the straggler wakes after linking), but
 * the close paths decide "nothing is queued" with {@code hasQueued()}: {@code WebSocketConnection.collect} writes
 * the close frame and stops writing, {@code PollingTransport.poll} ends with the farewell and the sid is unregistered.
 * A packet whose {@code send} returned before {@code close} was called is then dropped, against
 * {@link EngineSession#close}'s "what is queued still reaches the client, then the close"; with
 * ConcurrentLinkedQueue a returned offer was always reachable from the head.
 */
class OutboxHalfAddTest {
    @Test
    void aReturnedAddIsSeenEvenWhileAnEarlierSenderIsBetweenItsSwapAndItsLink() throws Exception {
        Outbox outbox = new Outbox();
        Class<?> nodeClass = Class.forName(Outbox.class.getName() + "$Node");
        Constructor<?> node = nodeClass.getDeclaredConstructor(EnginePacket.class);
        node.setAccessible(true);
        VarHandle tail = MethodHandles.privateLookupIn(Outbox.class, MethodHandles.lookup())
                .findVarHandle(Outbox.class, "tail", nodeClass);

        // a broadcaster's add(), descheduled right after TAIL.getAndSet (its NEXT.setRelease not yet run)
        Object straggler = node.newInstance(EnginePacket.message("broadcast"));
        assertNotNull(tail.getAndSet(outbox, straggler));

        // the session's own last packet (say a CONNECT_ERROR before the server closes it): send() has returned
        outbox.add(EnginePacket.message("last words"));

        // what collect() and poll() ask before they write the close frame / the farewell
        assertFalse(outbox.isEmpty(), "a packet whose add returned is invisible: the close goes out without it");
    }
}
