package chitchat.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
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
 * A database of the embedded store: the H2 backend's own {@link H2Database}, with its maps compared and written by
 * {@link StoreDataType} and its collections looking documents up by id when a query names them
 * ({@link StoreCollection}).
 *
 * <p>The maps have names of their own, apart from the backend's: documents in {@code databases.<db>.<coll>$bson}
 * (the backend's {@code databases.<db>.<coll>}; {@code $} cannot occur in a collection's name), unique indexes in
 * {@code <db>.<coll>._ordered_index_<name>} (the backend's {@code ..._index_<name>}), since a map cannot change its
 * order or format in place. A file written before is migrated when it is opened:
 * <ul>
 *   <li>a collection's documents are copied into the new map, and the old map removed. Until that removal is
 *   committed the old map is still there, and a store stopped in the middle copies it again, whole, at its next
 *   start;</li>
 *   <li>an old index map is removed, and its new map, empty, is filled from the collection's documents by the
 *   backend itself, which builds any empty index it is given ({@code AbstractMongoCollection.addIndex}).</li>
 * </ul>
 */
final class StoreDatabase extends H2Database {

    private static final Logger log = LoggerFactory.getLogger(StoreDatabase.class);
    /** The backend's names for a collection's maps (its documents, its size) and its indexes; see the class. */
    private static final String DOCUMENTS = "databases.", META = "meta.", LEGACY_INDEX = "._index_";
    private static final String BSON = "$bson", ORDERED_INDEX = "._ordered_index_";

    /**
     * Assigned after {@code super(...)}: the backend's constructor opens the existing collections and indexes,
     * through {@link #openOrCreateCollection} and {@link #openOrCreateUniqueIndex}, before a subclass's fields are
     * set, so this class defers that step ({@link #initializeNamespacesAndIndexes}) until {@code mvStore} is known.
     */
    private final MVStore mvStore;

    StoreDatabase(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
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
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> documents = openMap(DOCUMENTS + namespace + BSON);
        String legacy = DOCUMENTS + namespace;
        if (mvStore.hasMap(legacy)) {
            MVMap<Object, Document> old = mvStore.openMap(legacy);
            documents.clear(); // a copy cut short is made again, whole
            old.forEach(documents::put);
            mvStore.removeMap(old);
            log.info("event=store_collection_migrated collection={} documents={}", namespace, documents.sizeAsLong());
        }
        MVMap<String, Object> meta = mvStore.openMap(META + namespace);
        return new StoreCollection(this, collectionName, options, documents, meta, cursorRegistry);
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<KeyValue, Object> map = openMap(namespace + ORDERED_INDEX + indexName);
        String legacy = namespace + LEGACY_INDEX + indexName;
        if (mvStore.hasMap(legacy)) {
            mvStore.removeMap(legacy);
            log.info("event=store_index_rebuilt index={}{}{}", namespace, LEGACY_INDEX, indexName);
        }
        return new OrderedUniqueIndex(map, indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName);
        mvStore.removeMap(getFullCollectionNamespace(collection.getCollectionName()) + ORDERED_INDEX + indexName);
    }

    /** Removes this class's maps of the collection, and its index maps, which the backend leaves behind. */
    @Override
    public void dropCollection(String collectionName, Oplog oplog) {
        super.dropCollection(collectionName, oplog);
        String namespace = getFullCollectionNamespace(collectionName);
        mvStore.removeMap(DOCUMENTS + namespace + BSON);
        String indexes = namespace + ORDERED_INDEX;
        mvStore.getMapNames().stream().filter(name -> name.startsWith(indexes)).toList().forEach(mvStore::removeMap);
    }

    /**
     * The backend renames its own maps of the collection, which this class keeps empty: here the empty one it moved
     * is removed (else the next start would take it for a file to migrate) and this class's maps are renamed.
     */
    @Override
    public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
        String from = collection.getFullName();
        super.moveCollection(oldDatabase, collection, newCollectionName);
        String to = getFullCollectionNamespace(newCollectionName);
        mvStore.removeMap(DOCUMENTS + to);
        mvStore.renameMap(openMap(DOCUMENTS + from + BSON), DOCUMENTS + to + BSON);
        String indexes = from + ORDERED_INDEX;
        mvStore.getMapNames().stream().filter(name -> name.startsWith(indexes)).toList()
                .forEach(name -> mvStore.renameMap(openMap(name), to + ORDERED_INDEX + name.substring(indexes.length())));
    }

    private <K, V> MVMap<K, V> openMap(String name) {
        return mvStore.openMap(name, new MVMap.Builder<K, V>().keyType(new StoreDataType()).valueType(new StoreDataType()));
    }
}
