package chitchat.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

/**
 * How the embedded store's maps compare and write what they hold: index keys, document ids and documents.
 *
 * <p>mongo-java-server's H2 backend opens its maps with H2's default {@link ObjectDataType}, which knows Java's own
 * types and treats every other object, a document, an {@code ObjectId} or an index key ({@link KeyValue}), with
 * Java serialization. Profiled under {@code make bench}, that was most of the store's CPU:
 * <ul>
 *   <li><b>Comparing index keys.</b> {@code KeyValue} is not {@code Comparable}, so the default type compares two of
 *   them by serializing both and comparing the bytes, at every step of every binary search (a lookup among 100,000
 *   messages serializes some 34 objects): over a third of the store's CPU. Here keys compare field by field in
 *   MongoDB's order of values ({@link ValueComparator}).</li>
 *   <li><b>Writing pages.</b> Each commit writes every changed page whole, and the default type writes each document,
 *   key and id in it with Java serialization, class descriptors included: a quarter of the store's CPU once the
 *   comparisons were fixed, and reading pages back cost the same again. Here a document is written as BSON (the
 *   backend's own encoder, as on the wire), an {@code ObjectId} as its 12 bytes, a key as its fields.</li>
 * </ul>
 * Strings and numbers are written as {@link ObjectDataType} writes them (compactly), behind a tag byte of this type.
 * The maps written this way have names of their own, so no map holds two formats ({@link StoreDatabase}
 * migrates a file written by the unmodified backend on its first open).
 *
 * <p>Two keys that the comparator calls equal but are not {@link KeyValue#equals equal} (MongoDB treats {@code null}
 * and a missing field alike) fall back to the default type's order, so the order stays total and no two distinct
 * keys are ever taken for one.
 */
final class StoreDataType extends ObjectDataType {

    /** What follows the tag byte. */
    private static final byte OTHER = 0, KEY = 1, OBJECT_ID = 2, MISSING = 3, DOCUMENT = 4;
    private static final int OBJECT_ID_BYTES = 12;
    /**
     * What the page cache counts for an object. H2 counts an object it serializes as its serialized size; a
     * document is counted here as twice its BSON size (about what its Java serialization took, so a cache of N MB
     * holds what it held before), a key by its fields.
     */
    private static final int DOCUMENT_MEMORY_FACTOR = 2;
    private static final int KEY_OVERHEAD_BYTES = 48;
    private static final int FIELD_BYTES = 32;

    /** A running average of the documents' BSON sizes, as H2 keeps one of serialized sizes. */
    private volatile int averageDocumentBytes = 512;

    /** One per map, as H2 makes its own {@link ObjectDataType}s: the type keeps a little state of what it last saw. */
    StoreDataType() {
    }

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue x && b instanceof KeyValue y) {
            int order = compareFields(x, y);
            if (order != 0 || x.equals(y)) {
                return order;
            }
        }
        return super.compare(a, b);
    }

    /** Field by field in MongoDB's order of values; a key that is a prefix of the other comes first. */
    static int compareFields(KeyValue x, KeyValue y) {
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
        switch (obj) {
            case KeyValue key -> {
                buff.put(KEY).putVarInt(key.size());
                for (Object field : key) {
                    write(buff, field);
                }
            }
            case ObjectId id -> buff.put(OBJECT_ID).put(id.toByteArray());
            case Missing missing -> buff.put(MISSING);
            case Document document -> writeDocument(buff, document);
            case null, default -> {
                buff.put(OTHER);
                super.write(buff, obj);
            }
        }
    }

    @Override
    public Object read(ByteBuffer buff) {
        byte tag = buff.get();
        return switch (tag) {
            case KEY -> {
                int size = DataUtils.readVarInt(buff);
                List<Object> fields = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    fields.add(read(buff));
                }
                yield new KeyValue(fields);
            }
            case OBJECT_ID -> {
                byte[] id = new byte[OBJECT_ID_BYTES];
                buff.get(id);
                yield new ObjectId(id);
            }
            case MISSING -> Missing.getInstance(); // a singleton: compared by identity
            case DOCUMENT -> readDocument(buff);
            case OTHER -> super.read(buff);
            default -> throw new IllegalStateException("tag=" + tag + ": not written by " + StoreDataType.class.getSimpleName());
        };
    }

    @Override
    public int getMemory(Object obj) {
        return switch (obj) {
            case Document document -> DOCUMENT_MEMORY_FACTOR * averageDocumentBytes;
            case KeyValue key -> {
                int bytes = KEY_OVERHEAD_BYTES;
                for (Object field : key) {
                    bytes += field instanceof String text ? FIELD_BYTES + 2 * text.length() : FIELD_BYTES;
                }
                yield bytes;
            }
            case ObjectId id -> FIELD_BYTES;
            case null, default -> super.getMemory(obj);
        };
    }

    private void writeDocument(WriteBuffer buff, Document document) {
        ByteBuf bson = Unpooled.buffer(2 * averageDocumentBytes);
        BsonEncoder.encodeDocument(document, bson);
        int size = bson.readableBytes();
        buff.put(DOCUMENT).putVarInt(size).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), size);
        averageDocumentBytes = (size + 15 * averageDocumentBytes) / 16;
    }

    private static Document readDocument(ByteBuffer buff) {
        byte[] bson = new byte[DataUtils.readVarInt(buff)];
        buff.get(bson);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }
}
