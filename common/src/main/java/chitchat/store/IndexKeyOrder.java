package chitchat.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The order of an embedded-store index's keys: MongoDB's order of values, compared in memory.
 *
 * <p>mongo-java-server's H2 backend keeps each unique index in an MVStore map keyed by {@link KeyValue}, under H2's
 * default {@link ObjectDataType}. {@code KeyValue} is not {@code Comparable}, and for such keys that type compares by
 * Java-serializing both keys and comparing the bytes, at every step of every binary search: a lookup in an index of
 * 100,000 messages serializes some 34 objects. Profiled under {@code make bench}, that was over a third of the
 * store's CPU (more than the commits). Comparing the keys' values with mongo-java-server's own
 * {@link ValueComparator} gives a valid order for the B-tree at the cost of a few field comparisons.
 *
 * <p>The same default type writes every key it does not know with Java serialization, class descriptors included,
 * each time a page of the index is written: with a commit per batch of messages, that was the other large share of
 * the store's CPU. So a key is written here as its number of fields and each field, an {@code ObjectId} as its 12
 * bytes and anything else as {@link ObjectDataType} writes it (strings and numbers compactly). The maps ordered and
 * written this way are new maps, so no file holds keys in another format ({@link OrderedIndexDatabase}).
 *
 * <p>Two keys that the comparator calls equal but are not {@link KeyValue#equals equal} (MongoDB treats {@code null} and
 * a missing field alike, the bytes do not) fall back to the byte order, so the order stays total and no two distinct
 * keys ever collide.
 */
final class IndexKeyOrder extends ObjectDataType {

    /** The first byte of what is written: a key of fields, or anything else (as {@link ObjectDataType} writes it). */
    private static final byte KEY = 1;
    private static final byte OTHER = 0;
    /**
     * The first byte of a field: an ObjectId's 12 bytes follow, or the missing-field marker (a singleton that Java
     * serialization would turn into an unequal copy), or anything else.
     */
    private static final byte OBJECT_ID = 1;
    private static final byte MISSING = 2;
    /** What the page cache counts for a key (H2 estimates its own objects alike): references and headers. */
    private static final int KEY_OVERHEAD_BYTES = 48;
    private static final int FIELD_BYTES = 32;

    /** One per map, as H2 makes its own {@link ObjectDataType}s: the type keeps a little state of what it last saw. */
    IndexKeyOrder() {
    }

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue x && b instanceof KeyValue y) {
            int order = compareValues(x, y);
            if (order != 0 || x.equals(y)) {
                return order;
            }
        }
        return super.compare(a, b);
    }

    /** Field by field in MongoDB's order of values; a key that is a prefix of the other comes first. */
    static int compareValues(KeyValue x, KeyValue y) {
        int common = Math.min(x.size(), y.size());
        for (int i = 0; i < common; i++) {
            int order = ValueComparator.asc().compare(x.get(i), y.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    @Override
    public void write(WriteBuffer buff, Object obj) {
        if (!(obj instanceof KeyValue key)) {
            buff.put(OTHER);
            super.write(buff, obj);
            return;
        }
        buff.put(KEY).putVarInt(key.size());
        for (Object field : key) {
            if (field instanceof ObjectId id) {
                buff.put(OBJECT_ID).put(id.toByteArray());
            } else if (field instanceof Missing) {
                buff.put(MISSING);
            } else {
                buff.put(OTHER);
                super.write(buff, field);
            }
        }
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get() != KEY) {
            return super.read(buff);
        }
        int size = DataUtils.readVarInt(buff);
        List<Object> fields = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            switch (buff.get()) {
                case OBJECT_ID -> {
                    byte[] id = new byte[12];
                    buff.get(id);
                    fields.add(new ObjectId(id));
                }
                case MISSING -> fields.add(Missing.getInstance());
                default -> fields.add(super.read(buff));
            }
        }
        return new KeyValue(fields);
    }

    @Override
    public int getMemory(Object obj) {
        if (!(obj instanceof KeyValue key)) {
            return super.getMemory(obj);
        }
        int bytes = KEY_OVERHEAD_BYTES;
        for (Object field : key) {
            bytes += field instanceof String text ? FIELD_BYTES + 2 * text.length() : FIELD_BYTES;
        }
        return bytes;
    }
}
