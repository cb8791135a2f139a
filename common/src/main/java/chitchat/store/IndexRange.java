package chitchat.store;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stretch of a unique index that holds every document a query can match: the query fixes each of the index's
 * fields but the last to one value and bounds the last, as {@code {conv: c, seq: {$lt: 51}}} does on
 * {@code (conv, seq)}.
 *
 * <p>mongo-java-server uses an index only for equality on all of its fields, so the newest page of a conversation
 * read every message of the store (seconds for 100,000). With the index's keys in order ({@link StoreDataType}), the
 * page is a walk from one end of that stretch. The bounds are inclusive and only ever wider than the query: every
 * document found is still matched against the whole query, so {@code $lt} and {@code $gt} come out right, and any
 * other condition of the query too.
 *
 * <p>Recognised: conditions at the query's top or in a top-level {@code $and} (as the driver's {@code Filters.and}
 * writes them), equality to a string, number, ObjectId or date, and {@code $lt}, {@code $lte}, {@code $gt},
 * {@code $gte}, {@code $exists: true} or nothing (see {@link #of}) on the last field. Anything else is left to the
 * backend.
 */
record IndexRange(KeyValue from, KeyValue to, String lastField) {

    private static final Set<String> RANGE_OPERATORS = Set.of("$lt", "$lte", "$gt", "$gte", "$exists");

    /**
     * The stretch of an index of {@code keys} that holds what {@code query} can match; empty when the query does not
     * pin it down. A query with no condition on the last field gets the whole stretch of its prefix, but only when
     * it sorts by that field (a walk in its order then ends at the query's limit) and the index is not sparse (a
     * sparse index leaves out documents without the field, which such a query would match).
     */
    static Optional<IndexRange> of(Document query, List<IndexKey> keys, Document orderBy, boolean sparse) {
        Map<String, Object> conditions = conditions(query);
        if (conditions == null) {
            return Optional.empty();
        }
        List<Object> prefix = new ArrayList<>();
        for (IndexKey key : keys.subList(0, keys.size() - 1)) {
            Object value = conditions.get(key.getKey());
            if (!isPlainValue(value) || !key.isAscending()) {
                return Optional.empty();
            }
            prefix.add(normalized(value));
        }
        IndexKey last = keys.getLast();
        if (!last.isAscending()) {
            return Optional.empty();
        }
        Object condition = conditions.get(last.getKey());
        Object low = MinKey.getInstance(), high = MaxKey.getInstance();
        if (condition == null) {
            if (sparse || orderBy == null || orderBy.size() != 1 || !orderBy.containsKey(last.getKey())) {
                return Optional.empty();
            }
        } else if (isPlainValue(condition)) {
            low = high = normalized(condition);
        } else if (condition instanceof Document operators && !operators.isEmpty() && RANGE_OPERATORS.containsAll(operators.keySet())) {
            for (Map.Entry<String, Object> operator : operators.entrySet()) {
                Object value = operator.getValue();
                switch (operator.getKey()) {
                    case "$exists" -> {
                        if (!Boolean.TRUE.equals(value)) {
                            return Optional.empty();
                        }
                    }
                    case "$lt", "$lte" -> {
                        if (!isPlainValue(value)) {
                            return Optional.empty();
                        }
                        high = normalized(value);
                    }
                    default -> { // $gt, $gte
                        if (!isPlainValue(value)) {
                            return Optional.empty();
                        }
                        low = normalized(value);
                    }
                }
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(new IndexRange(key(prefix, low), key(prefix, high), last.getKey()));
    }

    /**
     * Whether the query's sort is the order of this stretch: none, or ascending ({@code false}) or descending
     * ({@code true}) on the last field alone (the others are fixed); empty for any other sort.
     */
    Optional<Boolean> descending(Document orderBy) {
        if (orderBy == null || orderBy.isEmpty()) {
            return Optional.of(false);
        }
        if (orderBy.size() == 1 && orderBy.get(lastField) instanceof Number direction) {
            return Optional.of(direction.intValue() < 0);
        }
        return Optional.empty();
    }

    /** The query's conditions by field, from its top and a top-level {@code $and}; null if a field comes twice. */
    private static Map<String, Object> conditions(Document query) {
        Map<String, Object> byField = new HashMap<>();
        List<Document> parts = new ArrayList<>(List.of(query));
        if (query.get("$and") instanceof Collection<?> all) {
            for (Object part : all) {
                if (!(part instanceof Document each)) {
                    return null;
                }
                parts.add(each);
            }
        }
        for (Document part : parts) {
            for (Map.Entry<String, Object> condition : part.entrySet()) {
                if (!condition.getKey().startsWith("$") && byField.put(condition.getKey(), condition.getValue()) != null) {
                    return null;
                }
            }
        }
        return byField;
    }

    private static boolean isPlainValue(Object value) {
        return value instanceof String || value instanceof Number || value instanceof ObjectId || value instanceof Instant;
    }

    /**
     * As the index holds it: a number as a double unless it has no exact double (the backend's
     * {@code Utils.normalizeValue}), so that a bound equal to a stored key is the same key, not one that only
     * compares equal to it.
     */
    private static Object normalized(Object value) {
        if (value instanceof Long l && l != (long) (double) l) {
            return value;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == -0.0 ? 0.0 : d;
        }
        return value;
    }

    private static KeyValue key(List<Object> prefix, Object last) {
        List<Object> fields = new ArrayList<>(prefix);
        fields.add(last);
        return new KeyValue(fields);
    }
}
