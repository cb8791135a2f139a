package chitchat.chat.conversations;

import chitchat.chat.messages.Message;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One conversation as stored: who is in it, and how far it has got.
 *
 * <p>{@code members} are in the order they joined (so "the longest-standing member" is the first); {@code admins} is
 * empty in a direct conversation. {@code lastSeq} is the seq of the newest stored message, which unread counts and
 * catch-up compare against; {@code lastMessage} is a copy of it, for the conversation list's preview.
 */
record Conversation(String id, Kind kind, String name, String createdBy, Instant createdAt, List<String> members,
                    List<String> admins, long lastSeq, Instant updatedAt, Optional<Message> lastMessage) {

    enum Kind {
        DIRECT, GROUP;

        String wire() {
            return name().toLowerCase();
        }
    }

    boolean hasMember(String user) {
        return members.contains(user);
    }

    boolean isAdmin(String user) {
        return admins.contains(user);
    }

    boolean isGroup() {
        return kind == Kind.GROUP;
    }

    /** The name a member sees: the group's, or in a direct conversation the other person's. */
    String nameFor(String user) {
        if (isGroup()) {
            return name;
        }
        return members.stream().filter(m -> !m.equals(user)).findFirst().orElse(user);
    }

    String roleOf(String user) {
        return isAdmin(user) ? "admin" : "member";
    }
}
