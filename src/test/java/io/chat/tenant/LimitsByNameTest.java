package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Limits by name: the written-out order of value and with is the record's, whatever components it gains. */
class LimitsByNameTest {
    @Test
    void eachNameReadsAndReplacesItsOwnComponent() throws ReflectiveOperationException {
        RecordComponent[] components = Limits.class.getRecordComponents();
        assertEquals(components.length, Limits.NAMES.size());
        Map<String, Integer> distinct = new HashMap<>();
        for (int i = 0; i < components.length; i++) {
            distinct.put(components[i].getName(), 1_000 + i);
        }
        Limits limits = Limits.DEFAULTS.with(distinct);
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            assertEquals(name, Limits.NAMES.get(i));
            assertEquals(1_000 + i, components[i].getAccessor().invoke(limits), name);
            assertEquals(1_000 + i, limits.value(name), name);
        }
    }

    @Test
    void aChangeLeavesTheOthers() {
        String changed = Limits.NAMES.get(3);
        Limits limits = Limits.DEFAULTS.with(Map.of(changed, 7));
        for (String name : Limits.NAMES) {
            assertEquals(name.equals(changed) ? 7 : Limits.DEFAULTS.value(name), limits.value(name), name);
        }
    }

    @Test
    void badNamesAndValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.value("noSuchLimit"));
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.with(Map.of("noSuchLimit", 1)));
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.with(Map.of(Limits.NAMES.get(0), 0)));
    }
}
