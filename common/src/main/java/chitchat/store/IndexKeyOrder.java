package chitchat.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
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
 * <p>Only the order changes, not how keys are written to the file ({@link ObjectDataType} still serializes them), so
 * a file written with the old order is read back by rebuilding its index maps once ({@link OrderedIndexDatabase}).
 * Two keys that the comparator calls equal but are not {@link KeyValue#equals equal} (MongoDB treats {@code null} and
 * a missing field alike, the bytes do not) fall back to the byte order, so the order stays total and no two distinct
 * keys ever collide.
 */
final class IndexKeyOrder extends ObjectDataType {

    static final IndexKeyOrder INSTANCE = new IndexKeyOrder();

    private IndexKeyOrder() {
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
}
