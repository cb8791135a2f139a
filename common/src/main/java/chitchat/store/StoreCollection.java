package chitchat.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;

/**
 * A collection of the embedded store that reads only the documents a query can match where an index or the ids
 * in the query say which: a stretch of a unique index ({@link IndexRange}), read in the order the query sorts by
 * and only as far as its limit, or the ids a query names, whatever else it asks.
 *
 * <p><b>Ranges</b> ({@link #queryDocuments}). mongo-java-server uses an index only for a query on exactly that
 * index's fields, with plain values: the newest page of a conversation read every document of the collection and
 * sorted them all to keep 50, and {@code {$and: [{_id: c}, {lastSeq: {$lt: 9}}]}} (how a stored batch raises a
 * conversation's {@code lastSeq}) matched every document for each conversation of each batch. Both are stretches of
 * a unique index: the second is the one key {@code c} of the {@code _id} index.
 *
 * <p><b>Ids</b> ({@link #matchDocuments}), for what no stretch covers: a list of ids ({@code {_id: {$in: [...]},
 * members: u}}), or a collection without an index on its id field. In the H2 backend a document's place in the
 * collection's map <em>is</em> its id, so such a query needs only those documents, matched against the whole query
 * as before. Ids of other types (numbers, whose stored form may differ from the query's) are left to the backend.
 */
final class StoreCollection extends H2Collection {

    StoreCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                       MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        for (Index<Object> index : getIndexes()) {
            if (!(index instanceof OrderedUniqueIndex ordered)) {
                continue;
            }
            Optional<IndexRange> range = IndexRange.of(query, index.getKeys(), orderBy, ordered.sparse());
            if (range.isEmpty()) {
                continue;
            }
            Optional<Boolean> descending = range.get().descending(orderBy);
            Iterable<Object> positions = ordered.positions(range.get(), descending.orElse(false));
            if (descending.isEmpty()) { // sorted otherwise: the backend sorts what the stretch holds
                return matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            // Already in the query's order: read lazily, so a limit stops the walk.
            Stream<Document> inOrder = StreamSupport.stream(positions.spliterator(), false).map(this::getDocument).filter(Objects::nonNull);
            return matchDocumentsFromStream(inOrder, query, null, numberToSkip, limit, batchSize, fieldSelector);
        }
        return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        List<Object> ids = getIdField() == null ? null : pinnedIds(query, getIdField());
        if (ids == null) {
            return super.matchDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        Stream<Document> candidates = ids.stream().distinct().map(this::getDocument).filter(Objects::nonNull);
        return matchDocumentsFromStream(candidates, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    /**
     * The ids a query allows, when it pins the id field to plain ids: at its top ({@code {_id: c, ...}}) or in one of
     * the conditions of a top-level {@code $and} (as the driver's {@code Filters.and} writes it); else null.
     */
    private static List<Object> pinnedIds(Document query, String idField) {
        List<Object> ids = pinned(query.get(idField));
        if (ids == null && query.get("$and") instanceof Collection<?> all) {
            for (Object condition : all) {
                if (condition instanceof Document each && (ids = pinned(each.get(idField))) != null) {
                    break;
                }
            }
        }
        return ids;
    }

    /** The ids a condition on the id field allows, when it is an equality or an {@code $in} of plain ids. */
    private static List<Object> pinned(Object condition) {
        if (isPlainId(condition)) {
            return List.of(condition);
        }
        if (condition instanceof Document operators && operators.size() == 1
                && operators.get("$in") instanceof Collection<?> values && values.stream().allMatch(StoreCollection::isPlainId)) {
            return List.copyOf(values);
        }
        return null;
    }

    private static boolean isPlainId(Object value) {
        return value instanceof String || value instanceof ObjectId;
    }
}
