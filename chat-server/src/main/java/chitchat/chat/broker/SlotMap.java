package chitchat.chat.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One snapshot of a Redis Cluster's topology: which primary owns each of the 16,384 hash slots. Immutable, so a
 * reader never sees half a refresh; {@link Topology} swaps in a new one when the cluster changes.
 *
 * <p>Read from {@code CLUSTER SLOTS} (supported by every Redis Cluster and ElastiCache version, unlike
 * {@code CLUSTER SHARDS}, which needs 7.0): each entry is {@code [start, end, [host, port, id, ...], replicas...]},
 * and only the first node, the primary, matters here: sharded Pub/Sub is subscribed and published on primaries.
 */
public final class SlotMap {

    public static final int SLOTS = 16_384;

    private final HostAndPort[] owners;

    private SlotMap(HostAndPort[] owners) {
        this.owners = owners;
    }

    /** Parses a {@code CLUSTER SLOTS} reply, as Jedis returns it (nested lists of Long and byte[]). */
    static SlotMap parse(List<Object> clusterSlots) {
        HostAndPort[] owners = new HostAndPort[SLOTS];
        for (Object entry : clusterSlots) {
            List<?> range = (List<?>) entry;
            int start = ((Long) range.get(0)).intValue();
            int end = ((Long) range.get(1)).intValue();
            List<?> primary = (List<?>) range.get(2);
            HostAndPort node = new HostAndPort(text(primary.get(0)), ((Long) primary.get(1)).intValue());
            Arrays.fill(owners, start, end + 1, node);
        }
        return new SlotMap(owners);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    public static int slot(String channelOrKey) {
        return JedisClusterCRC16.getSlot(channelOrKey);
    }

    /** The primary owning {@code slot}, or null while no node serves it (the cluster is failing over). */
    public HostAndPort owner(int slot) {
        return owners[slot];
    }

    public HostAndPort ownerOf(String channelOrKey) {
        return owners[slot(channelOrKey)];
    }

    /** Every primary that owns at least one slot. */
    public Set<HostAndPort> primaries() {
        Set<HostAndPort> primaries = new LinkedHashSet<>();
        for (HostAndPort owner : owners) {
            if (owner != null) {
                primaries.add(owner);
            }
        }
        return primaries;
    }

    /** The highest slot {@code node} owns, or -1: where its link's keepalive channel lives (see {@link ShardLink}). */
    public int lastSlotOf(HostAndPort node) {
        for (int slot = SLOTS - 1; slot >= 0; slot--) {
            if (node.equals(owners[slot])) {
                return slot;
            }
        }
        return -1;
    }

    /** True when every slot has an owner (the cluster's {@code cluster_state:ok}, as far as slots go). */
    public boolean complete() {
        for (HostAndPort owner : owners) {
            if (owner == null) {
                return false;
            }
        }
        return true;
    }

    public boolean sameAs(SlotMap other) {
        return other != null && Arrays.equals(owners, other.owners);
    }

    /** The nodes to ask next time: the primaries, so that a refresh does not depend on the seed list alone. */
    List<HostAndPort> nodes() {
        return new ArrayList<>(primaries());
    }

    private static final String[] TAGS = new String[SLOTS];

    /**
     * A hash tag whose slot is {@code slot}: {@code "{" + tag + "}"} in a channel name puts the channel there. Found
     * once, by trying decimal numbers (about 150,000 CRC16s, a few milliseconds), since CRC16 cannot be inverted.
     */
    static String tagFor(int slot) {
        synchronized (TAGS) {
            if (TAGS[0] == null) {
                int found = 0;
                for (int i = 0; found < SLOTS; i++) {
                    String tag = Integer.toString(i);
                    int s = JedisClusterCRC16.getSlot(tag);
                    if (TAGS[s] == null) {
                        TAGS[s] = tag;
                        found++;
                    }
                }
            }
            return TAGS[slot];
        }
    }
}
