package chitchat.chat.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.conversations.Conversations;
import chitchat.store.DatabaseConnection;
import chitchat.testbed.TestMongo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group commit over a real store: many messages to many conversations at once are numbered per conversation in
 * the order they were handed in, each number once, and answered in the order they were handed in, even though a
 * batch's conversations are numbered at the same time.
 */
@Timeout(60)
class GroupCommitTest {

    private DatabaseConnection store;
    private MessageStore messages;

    @BeforeEach
    void open() {
        store = TestMongo.openFresh();
        Conversations conversations = new Conversations(store.database(), (users, payload) -> { });
        messages = new MessageStore(store.database(), conversations.numbering(), MessageStore.DEFAULT_QUEUE_LIMIT,
                java.time.Duration.ofSeconds(30));
        System.out.println("[group-commit] store: " + TestMongo.kind());
    }

    @AfterEach
    void close() {
        messages.close();
        store.database().drop();
        store.close();
    }

    @Test
    void aBurstToManyConversationsIsNumberedInOrderAndAnsweredInOrder() throws Exception {
        int pairs = 60;
        int perPair = 5;
        List<CompletableFuture<MessageStore.Saved>> futures = new ArrayList<>();
        List<MessageStore.Draft> drafts = new ArrayList<>();
        ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
        // Handed in round-robin over the conversations, as many connections sending at once would.
        for (int round = 0; round < perPair; round++) {
            for (int pair = 0; pair < pairs; pair++) {
                String sender = "s" + pair;
                String receiver = "r" + pair;
                MessageStore.Draft draft = new MessageStore.Draft(Message.directId(sender, receiver), sender, receiver,
                        "message " + round, sender + "-" + round, true);
                drafts.add(draft);
                futures.add(messages.submit(draft).whenComplete((saved, error) -> answered.add(draft.clientMsgId())));
            }
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        Map<String, List<Long>> seqsByConversation = new HashMap<>();
        for (int i = 0; i < futures.size(); i++) {
            MessageStore.Saved saved = futures.get(i).get();
            assertEquals(drafts.get(i).clientMsgId(), saved.message().clientMsgId());
            seqsByConversation.computeIfAbsent(saved.message().conversation(), c -> new ArrayList<>()).add(saved.message().seq());
            assertTrue(saved.members().contains(drafts.get(i).sender()) && saved.members().contains(drafts.get(i).receiver()));
        }
        assertEquals(pairs, seqsByConversation.size());
        seqsByConversation.forEach((conversation, seqs) ->
                assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs, conversation + ": numbered in the order handed in, each once"));
        assertEquals(drafts.stream().map(MessageStore.Draft::clientMsgId).toList(), List.copyOf(answered),
                "answered in the order handed in (acks of one connection come in the order it sent)");
        assertEquals(pairs * perPair, store.database().getCollection("messages").countDocuments());
    }
}
