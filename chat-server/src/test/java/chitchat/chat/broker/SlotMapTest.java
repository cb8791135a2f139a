package chitchat.chat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/** The slot map read from a CLUSTER SLOTS reply as Jedis returns it, and the hash tags that pick a slot. */
class SlotMapTest {

    private static List<Object> range(long start, long end, String host, long port) {
        return List.of(start, end, List.of(host.getBytes(StandardCharsets.UTF_8), port, "id".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEachRangesPrimary() {
        SlotMap map = SlotMap.parse(List.of(range(0, 5460, "10.0.0.1", 6379), range(5461, 16383, "10.0.0.2", 6380)));
        HostAndPort first = new HostAndPort("10.0.0.1", 6379);
        HostAndPort second = new HostAndPort("10.0.0.2", 6380);
        assertTrue(map.complete());
        assertEquals(first, map.owner(0));
        assertEquals(second, map.owner(5461));
        assertEquals(Set.of(first, second), map.primaries());
        assertEquals(5460, map.lastSlotOf(first));
        assertEquals(-1, map.lastSlotOf(new HostAndPort("10.0.0.3", 6379)));
        assertEquals(map.owner(SlotMap.slot("chat_alice")), map.ownerOf("chat_alice"));
    }

    @Test
    void aMapWithUncoveredSlotsIsIncomplete() {
        SlotMap map = SlotMap.parse(List.of(range(0, 100, "10.0.0.1", 6379)));
        assertFalse(map.complete());
        assertNull(map.owner(101));
    }

    @Test
    void everySlotHasATagThatPutsAChannelThere() {
        for (int slot : new int[] {0, 1, 9289, 16383}) {
            assertEquals(slot, SlotMap.slot("chitchat_keepalive{" + SlotMap.tagFor(slot) + "}"));
        }
    }
}
