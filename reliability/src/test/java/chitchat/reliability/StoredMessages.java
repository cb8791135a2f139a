package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** The store's side of the ledger: what is really in {@code messages}, read straight from the database. */
final class StoredMessages {

    /** {@code sender|clientMsgId} to the stored copies (more than one would be a duplicate). */
    private final Map<String, List<Document>> byClientMsgId = new HashMap<>();
    private final Map<String, Document> byId = new HashMap<>();

    StoredMessages(Topology topology, List<Device> senders) {
        List<String> users = senders.stream().map(Device::user).distinct().toList();
        for (Document doc : topology.messages().find(Filters.in("sender", users))) {
            byClientMsgId.computeIfAbsent(doc.getString("sender") + "|" + doc.getString("clientMsgId"), k -> new ArrayList<>()).add(doc);
            byId.put(doc.getObjectId("_id").toHexString(), doc);
        }
    }

    int size() {
        return byId.size();
    }

    boolean containsId(String id) {
        return byId.containsKey(id);
    }

    boolean contains(Device.Sent m) {
        return byClientMsgId.containsKey(m.sender() + "|" + m.clientMsgId());
    }

    /** Nothing stored twice, and every ack names a stored copy of exactly the message that was sent. */
    void assertAckedAreStoredOnce(Map<Device.Sent, Device.Ack> acked) {
        List<String> problems = new ArrayList<>();
        byClientMsgId.forEach((key, copies) -> {
            if (copies.size() > 1) {
                problems.add(key + " stored " + copies.size() + " times");
            }
        });
        acked.forEach((m, ack) -> {
            Document doc = byId.get(ack.id());
            if (doc == null) {
                problems.add(m.clientMsgId() + " acked as " + ack.id() + " by " + ack.instance() + " but not stored");
            } else if (!m.sender().equals(doc.getString("sender")) || !m.receiver().equals(doc.getString("receiver"))
                    || !m.text().equals(doc.getString("message")) || !m.clientMsgId().equals(doc.getString("clientMsgId"))) {
                problems.add(m.clientMsgId() + " acked as " + ack.id() + " but stored as " + doc.toJson());
            }
        });
        assertEquals(List.of(), problems, "acked messages must be stored, once");
    }
}
