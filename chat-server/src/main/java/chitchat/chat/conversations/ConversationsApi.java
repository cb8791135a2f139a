package chitchat.chat.conversations;

import chitchat.chat.messages.HistoryThrottle;
import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.messages.Paging;
import chitchat.chat.protocol.Frames;
import chitchat.http.ApiException;
import chitchat.http.Reply;
import chitchat.http.Request;
import chitchat.http.Routes;
import chitchat.json.Json;
import chitchat.token.Tokens;
import chitchat.users.KnownUsers;
import chitchat.users.Usernames;
import com.google.gson.JsonObject;
import com.google.gson.annotations.JsonAdapter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/conversations}: the caller's conversation list, one conversation, its members, and its history by seq.
 *
 * <p>Every endpoint starts from the caller's token and reads only conversations the caller is a member of; any
 * other id, existing or not, is the same 404. Reads of history and of the list share the per-user
 * {@link HistoryThrottle} with the v1 history endpoint: they are what a client's catch-up costs the server.
 */
public final class ConversationsApi {

    private final Conversations conversations;
    private final MessageStore messages;
    private final KnownUsers users;
    private final GroupChanges groups;
    private final Tokens tokens;
    private final HistoryThrottle throttle;
    private final Fanout fanout;

    public ConversationsApi(Conversations conversations, MessageStore messages, KnownUsers users, Fanout fanout,
                            Tokens tokens, HistoryThrottle throttle, int maxGroupMembers) {
        this.conversations = conversations;
        this.messages = messages;
        this.users = users;
        this.groups = new GroupChanges(conversations, messages, users, fanout, maxGroupMembers);
        this.tokens = tokens;
        this.throttle = throttle;
        this.fanout = fanout;
    }

    public void register(Routes routes) {
        routes.get("/api/conversations", this::list)
                .post("/api/conversations", this::create)
                .get("/api/conversations/{id}", this::show)
                .patch("/api/conversations/{id}", this::rename)
                .post("/api/conversations/{id}/members", this::addMember)
                .delete("/api/conversations/{id}/members/{username}", this::removeMember)
                .patch("/api/conversations/{id}/members/{username}", this::setRole)
                .put("/api/conversations/{id}/mute", this::mute)
                .get("/api/conversations/{id}/messages", this::messages);
    }

    /** An entry of the conversation list. */
    record Summary(String id, String kind, String name, List<String> members, long lastSeq, long readSeq, long unread,
                   @JsonAdapter(value = Json.NullAsNull.class, nullSafe = false) Frames.ChatMessage lastMessage,
                   String updatedAt, boolean muted) {
    }

    record ConversationList(List<Summary> conversations) {
    }

    /** One conversation with its members and their marks; {@code muted} is the caller's own setting. */
    record View(String id, String kind, String name, String createdBy, String createdAt, List<Member> members,
                long lastSeq, long readSeq, long unread, boolean muted) {
    }

    record Member(String username, String role, long readSeq, long deliveredSeq) {
    }

    record Page(String conversation, List<Frames.ChatMessage> msgs) {
    }

    /** What {@code DELETE .../members/<self>} answers: the caller left and sees nothing of the group any more. */
    record Nothing() {
    }

    static ApiException notFound() {
        return new ApiException(404, "not_found", "There is no such conversation.");
    }

    private Reply list(Request request) {
        String caller = request.requireUser(tokens);
        try (HistoryThrottle.Permit permit = throttle.acquire(caller)) {
            int limit = Paging.limit(request, Paging.MAX_LIMIT);
            Map<String, Memberships.Marks> marks = conversations.memberships.of(caller);
            List<Summary> list = conversations.store.recent(caller, marks.keySet(), limit).stream()
                    .map(c -> summary(c, caller, marks.getOrDefault(c.id(), Memberships.Marks.NONE)))
                    .toList();
            return Reply.ok(new ConversationList(list));
        }
    }

    private Reply create(Request request) throws Exception {
        String caller = request.requireUser(tokens);
        JsonObject body = request.jsonBody();
        String kind = Json.optionalString(body, "kind").orElse("");
        switch (kind) {
            case "direct" -> {
                String with = Json.string(body, "with");
                String other = Usernames.canonical(with).orElseThrow(() -> ApiException.badRequest("'with' must be a username."));
                if (other.equals(caller)) {
                    throw ApiException.badRequest("A direct conversation is with someone else.");
                }
                if (!users.exists(other)) {
                    throw new ApiException(404, "not_found", "There is no user named " + other + ".");
                }
                return Reply.ok(view(conversations.store.direct(caller, other), caller));
            }
            case "group" -> {
                String name = Json.string(body, "name");
                List<String> members = Json.stringList(body, "members", 10_000);
                return Reply.created(view(groups.create(caller, name, members), caller));
            }
            default -> throw ApiException.badRequest("'kind' must be \"direct\" or \"group\".");
        }
    }

    private Reply show(Request request) {
        String caller = request.requireUser(tokens);
        return Reply.ok(view(visible(request, caller), caller));
    }

    private Reply rename(Request request) throws Exception {
        String caller = request.requireUser(tokens);
        String id = request.pathParam("id");
        String name = Json.string(request.jsonBody(), "name");
        return Reply.ok(view(groups.rename(caller, id, name), caller));
    }

    private Reply addMember(Request request) throws Exception {
        String caller = request.requireUser(tokens);
        String id = request.pathParam("id");
        String username = username(Json.string(request.jsonBody(), "username"));
        return Reply.ok(view(groups.add(caller, id, username), caller));
    }

    private Reply removeMember(Request request) {
        String caller = request.requireUser(tokens);
        String id = request.pathParam("id");
        String username = Usernames.canonical(request.pathParam("username")).orElseThrow(ConversationsApi::notFound);
        Optional<Conversation> after = groups.remove(caller, id, username);
        return Reply.ok(after.<Object>map(c -> view(c, caller)).orElse(new Nothing()));
    }

    private Reply setRole(Request request) throws Exception {
        String caller = request.requireUser(tokens);
        String id = request.pathParam("id");
        String username = Usernames.canonical(request.pathParam("username")).orElseThrow(ConversationsApi::notFound);
        String role = Json.string(request.jsonBody(), "role");
        return Reply.ok(view(groups.setRole(caller, id, username, role), caller));
    }

    /**
     * {@code PUT /api/conversations/{id}/mute} with {@code {"muted": true|false}}: the caller's own setting for one
     * conversation, on their membership only (nobody can mute for someone else, so there is no username in the
     * path). Idempotent, hence PUT. The caller's connections, on every instance, hear it at once (a {@code mute}
     * frame), so their other devices stop notifying without waiting for their next list.
     */
    private Reply mute(Request request) throws Exception {
        String caller = request.requireUser(tokens);
        // Membership first: a non-member learns nothing, not even that their body was wrong.
        Conversation conversation = visible(request, caller);
        boolean muted = Json.bool(request.jsonBody(), "muted");
        conversations.memberships.mute(conversation.id(), caller, muted, new java.util.Date());
        fanout.publish(List.of(caller), Frames.mute(conversation.id(), muted));
        return Reply.ok(view(conversation, caller));
    }

    private Reply messages(Request request) {
        String caller = request.requireUser(tokens);
        try (HistoryThrottle.Permit permit = throttle.acquire(caller)) {
            Conversation conversation = visible(request, caller);
            Optional<Long> before = Paging.seq(request, "before");
            Optional<Long> after = Paging.seq(request, "after");
            if (before.isPresent() && after.isPresent()) {
                throw ApiException.badRequest("Give 'before' or 'after', not both.");
            }
            List<Message> page = after.isPresent()
                    ? messages.after(conversation.id(), after.get(), Paging.limit(request, Paging.MAX_LIMIT))
                    : messages.before(conversation.id(), before, Paging.limit(request, Paging.DEFAULT_LIMIT));
            return Reply.ok(new Page(conversation.id(), page.stream().map(Message::frame).toList()));
        }
    }

    private Conversation visible(Request request, String caller) {
        return conversations.visible(request.pathParam("id"), caller).orElseThrow(ConversationsApi::notFound);
    }

    private static String username(String raw) {
        return Usernames.canonical(raw).orElseThrow(() -> ApiException.badRequest("'username' must be a username."));
    }

    private static Summary summary(Conversation c, String caller, Memberships.Marks marks) {
        return new Summary(c.id(), c.kind().wire(), c.nameFor(caller), c.members(), c.lastSeq(), marks.readSeq(),
                unread(c, marks), c.lastMessage().map(Message::frame).orElse(null), Frames.timestamp(c.updatedAt()),
                marks.muted());
    }

    private View view(Conversation c, String caller) {
        Map<String, Memberships.Marks> marks = conversations.memberships.in(c.id());
        List<Member> members = c.members().stream()
                .map(m -> {
                    Memberships.Marks mark = marks.getOrDefault(m, Memberships.Marks.NONE);
                    return new Member(m, c.roleOf(m), mark.readSeq(), mark.deliveredSeq());
                })
                .toList();
        Memberships.Marks mine = marks.getOrDefault(caller, Memberships.Marks.NONE);
        return new View(c.id(), c.kind().wire(), c.nameFor(caller), c.createdBy(), Frames.timestamp(c.createdAt()), members,
                c.lastSeq(), mine.readSeq(), unread(c, mine), mine.muted());
    }

    private static long unread(Conversation c, Memberships.Marks marks) {
        return Math.max(0, c.lastSeq() - marks.readSeq());
    }
}
