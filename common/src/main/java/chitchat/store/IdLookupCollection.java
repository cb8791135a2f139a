package chitchat.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;

/**
 * A collection of the embedded store that answers a query naming its documents' ids by looking those up, whatever
 * else the query asks.
 *
 * <p>mongo-java-server uses an index only for a query on exactly that index's fields: {@code {_id: c}} is a lookup,
 * but {@code {$and: [{_id: c}, {lastSeq: {$lt: 9}}]}} (how a stored batch raises a conversation's {@code lastSeq}, never
 * lowering it) reads and matches every document of the collection, for each conversation of each batch. In the H2
 * backend a document's place in the collection's map <em>is</em> its id, so a query that pins the id to one value or
 * a list of them ({@code $in}) needs only those documents, matched against the whole query as before. Ids of
 * other types (numbers, whose stored form may differ from the query's) are left to the backend.
 */
final class IdLookupCollection extends H2Collection {

    IdLookupCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                       MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
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
                && operators.get("$in") instanceof Collection<?> values && values.stream().allMatch(IdLookupCollection::isPlainId)) {
            return List.copyOf(values);
        }
        return null;
    }

    private static boolean isPlainId(Object value) {
        return value instanceof String || value instanceof ObjectId;
    }
}
