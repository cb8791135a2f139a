package chitchat.store;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * A unique index of the embedded store, kept in an MVStore map ordered by {@link StoreDataType}: the backend's own
 * {@code H2UniqueIndex}, whose constructor is not open to other packages, and a walk over a stretch of its keys in
 * order ({@link #positions}), which that order makes possible.
 */
final class OrderedUniqueIndex extends AbstractUniqueIndex<Object> {

    private final MVMap<KeyValue, Object> map;

    OrderedUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.map = map;
    }

    @Override
    protected Object removeDocument(KeyValue key) {
        return map.remove(key);
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
        return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
    }

    @Override
    protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
        return map.entrySet();
    }

    @Override
    protected Object getPosition(KeyValue key) {
        return map.get(key);
    }

    /** The positions of the keys from {@code range.from()} to {@code range.to()}, both included, in key order or reversed. */
    Iterable<Object> positions(IndexRange range, boolean descending) {
        return () -> {
            Cursor<KeyValue, Object> cursor = descending
                    ? map.cursor(range.to(), range.from(), true)
                    : map.cursor(range.from(), range.to(), false);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return cursor.hasNext();
                }

                @Override
                public Object next() {
                    cursor.next();
                    return cursor.getValue();
                }
            };
        };
    }

    boolean sparse() {
        return isSparse();
    }

    @Override
    public long getCount() {
        return map.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }
}
