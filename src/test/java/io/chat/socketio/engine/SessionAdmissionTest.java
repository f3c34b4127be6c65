package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionAdmissionTest {
    @Test
    void theCapPerAddressCountsAddressesUnderTheirCapKey() {
        ClientAddresses byNetwork = ClientAddresses.of(ClientAddresses.peer(), a -> a.substring(0, a.lastIndexOf(':')));
        SessionAdmission admission = new SessionAdmission(100, 2, byNetwork);
        assertTrue(admission.tryAdmit("2001:db8::1"));
        assertTrue(admission.tryAdmit("2001:db8::2"));
        assertFalse(admission.tryAdmit("2001:db8::3"), "a third address of the same network");
        assertTrue(admission.tryAdmit("2001:db9::1"), "another network");
        admission.release("2001:db8::1");
        assertTrue(admission.tryAdmit("2001:db8::4"), "a place given back counts for the whole network");
        assertEquals(3, admission.open());
    }
}
