package chitchat.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An H2 database of the embedded store whose unique indexes are ordered by {@link IndexKeyOrder}: the backend's own
 * {@link H2Database} with two changes: where it opens an index's map, and its collections look documents up by
 * id when a query names them ({@link IdLookupCollection}).
 *
 * <p>The ordered maps are named {@code <db>.<collection>._ordered_index_<name>}, apart from the backend's
 * {@code ..._index_<name>}: a B-tree cannot change its order in place. A file written before has the old maps and
 * not the new; the old one is removed, and the new one, empty, is filled from the collection's documents by the
 * backend itself, which builds any empty index it is given ({@code AbstractMongoCollection.addIndex}). A store
 * killed in the middle has an empty or an old map at its next start, and builds it again.
 */
final class OrderedIndexDatabase extends H2Database {

    private static final Logger log = LoggerFactory.getLogger(OrderedIndexDatabase.class);
    private static final String ORDERED = "._ordered_index_";
    private static final String LEGACY = "._index_";

    /**
     * Assigned after {@code super(...)}: the backend's constructor opens the existing indexes, through
     * {@link #openOrCreateUniqueIndex}, before a subclass's fields are set, so this class defers that step
     * ({@link #initializeNamespacesAndIndexes}) until {@code mvStore} is known.
     */
    private final MVStore mvStore;

    OrderedIndexDatabase(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
        super(databaseName, mvStore, cursorRegistry);
        this.mvStore = mvStore;
        super.initializeNamespacesAndIndexes();
    }

    @Override
    protected void initializeNamespacesAndIndexes() {
        if (mvStore != null) { // null only while H2Database's constructor runs; see the field
            super.initializeNamespacesAndIndexes();
        }
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<KeyValue, Object> map = mvStore.openMap(namespace + ORDERED + indexName,
                new MVMap.Builder<KeyValue, Object>().keyType(new IndexKeyOrder()));
        String legacy = namespace + LEGACY + indexName;
        if (mvStore.hasMap(legacy)) {
            mvStore.removeMap(legacy);
            log.info("event=index_reordered index={}{}{}", namespace, LEGACY, indexName);
        }
        return new OrderedUniqueIndex(map, indexName, keys, sparse);
    }

    /**
     * The backend's collection, as {@link IdLookupCollection}: the same two maps under the same names
     * ({@code databases.<db>.<collection>} for the documents, {@code meta.} for its size), so files stay compatible.
     */
    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> documents = mvStore.openMap("databases." + namespace);
        MVMap<String, Object> meta = mvStore.openMap("meta." + namespace);
        return new IdLookupCollection(this, collectionName, options, documents, meta, cursorRegistry);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName);
        mvStore.removeMap(getFullCollectionNamespace(collection.getCollectionName()) + ORDERED + indexName);
    }

    /** Removes the collection's index maps too, which the backend leaves behind (a new collection of that name would inherit their keys). */
    @Override
    public void dropCollection(String collectionName, Oplog oplog) {
        super.dropCollection(collectionName, oplog);
        String prefix = getFullCollectionNamespace(collectionName) + ORDERED;
        mvStore.getMapNames().stream().filter(name -> name.startsWith(prefix)).toList().forEach(mvStore::removeMap);
    }
}
