package chitchat.chat.conversations;

import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.protocol.Frames;
import chitchat.chat.protocol.Inbound;
import chitchat.http.ApiException;
import chitchat.json.Json;
import chitchat.users.KnownUsers;
import chitchat.users.Usernames;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Making and changing groups: each change checked, applied atomically, recorded as a system message, and told to
 * the members.
 *
 * <p>Every change follows the same four steps. Check it against the group as read, to answer with the right error
 * (404, 403, 409...). Apply it with a conditional update that repeats those checks in the store
 * ({@link ConversationStore#change}), so that two admins acting at once cannot both succeed where only one may;
 * if the condition no longer holds, read again and answer from what changed. Store the system message under the seq
 * that update reserved. Publish it to the members before the change as well as after, so the one removed hears of
 * it, and then nothing more.
 */
final class GroupChanges {

    private static final Logger log = LoggerFactory.getLogger(GroupChanges.class);
    static final int MAX_NAME_CHARS = 64;

    private final Conversations conversations;
    private final MessageStore messages;
    private final KnownUsers users;
    private final Fanout fanout;
    private final int maxMembers;

    GroupChanges(Conversations conversations, MessageStore messages, KnownUsers users, Fanout fanout, int maxMembers) {
        this.conversations = conversations;
        this.messages = messages;
        this.users = users;
        this.fanout = fanout;
        this.maxMembers = maxMembers;
    }

    Conversation create(String creator, String rawName, List<String> rawMembers) {
        String name = validName(rawName);
        Set<String> members = new LinkedHashSet<>();
        members.add(creator);
        List<String> unknown = new ArrayList<>();
        for (String raw : rawMembers) {
            String user = Usernames.canonical(raw).orElse(null);
            if (user == null || !users.exists(user)) {
                unknown.add(raw.length() > 40 ? raw.substring(0, 40) + "..." : raw);
            } else {
                members.add(user);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ApiException(400, "unknown_users", "There is no user named " + String.join(", ", unknown) + ".");
        }
        if (members.size() < 2) {
            throw new ApiException(400, "invalid_members", "Add at least one other person to the group.");
        }
        if (members.size() > maxMembers) {
            throw new ApiException(400, "group_full", "A group has at most " + maxMembers + " members.");
        }
        String id = "g:" + new ObjectId().toHexString();
        Conversation group = conversations.store.createGroup(id, creator, name, List.copyOf(members));
        record(id, 1, creator + " created the group \"" + name + "\"", new Frames.SystemEvent("created", creator, null, name), group.members());
        return reread(id);
    }

    Conversation rename(String actor, String id, String rawName) {
        String name = validName(rawName);
        admin(actor, id);
        apply(id, c -> admin(actor, c), Filters.eq("admins", actor), Updates.set("name", name),
                r -> record(id, r.seq(), actor + " renamed the group to \"" + name + "\"",
                        new Frames.SystemEvent("renamed", actor, null, name), r.before().members()));
        return reread(id);
    }

    Conversation add(String actor, String id, String target) {
        Function<Conversation, Conversation> check = c -> {
            admin(actor, c);
            if (c.hasMember(target)) {
                throw new ApiException(409, "already_member", target + " is already in this group.");
            }
            if (c.members().size() >= maxMembers) {
                throw new ApiException(400, "group_full", "A group has at most " + maxMembers + " members.");
            }
            return c;
        };
        check.apply(visibleGroup(actor, id));
        if (!users.exists(target)) {
            throw new ApiException(404, "not_found", "There is no user named " + target + ".");
        }
        // The member's entry first: a crash before the group changes leaves an entry the group does not confirm.
        conversations.memberships.join(id, List.of(target), new java.util.Date());
        Bson room = Filters.exists("members." + (maxMembers - 1), false);
        apply(id, check, Filters.and(Filters.eq("admins", actor), Filters.ne("members", target), room),
                Updates.push("members", target),
                r -> record(id, r.seq(), actor + " added " + target, new Frames.SystemEvent("added", actor, target, null),
                        with(r.before().members(), target)));
        // And again after: a removal of the same user an instant before may have marked the entry inactive after
        // our first write (its own last step), and the group, which has the final word, now counts them in.
        conversations.memberships.join(id, List.of(target), new java.util.Date());
        return reread(id);
    }

    /** Removes {@code target}, or lets the actor leave when it is themself; empty when the caller left. */
    Optional<Conversation> remove(String actor, String id, String target) {
        boolean leaving = actor.equals(target);
        Function<Conversation, Conversation> check = c -> {
            if (!leaving) {
                admin(actor, c);
            }
            if (!c.hasMember(target)) {
                throw new ApiException(404, "not_found", target + " is not in this group.");
            }
            return c;
        };
        check.apply(visibleGroup(actor, id));
        Bson condition = leaving ? Filters.eq("members", target) : Filters.and(Filters.eq("admins", actor), Filters.eq("members", target));
        ConversationStore.Reservation done = apply(id, check, condition,
                Updates.combine(Updates.pull("members", target), Updates.pull("admins", target)),
                r -> record(id, r.seq(), leaving ? target + " left" : actor + " removed " + target,
                        new Frames.SystemEvent(leaving ? "left" : "removed", actor, leaving ? null : target, null), r.before().members()));
        conversations.memberships.leave(id, target);
        List<String> remaining = done.before().members().stream().filter(m -> !m.equals(target)).toList();
        boolean adminLeft = done.before().admins().stream().anyMatch(a -> !a.equals(target));
        if (!adminLeft && !remaining.isEmpty()) {
            promoteLongestStanding(id, target, remaining.get(0));
        }
        return leaving ? Optional.empty() : Optional.of(reread(id));
    }

    Conversation setRole(String actor, String id, String target, String role) {
        boolean promote = switch (role) {
            case "admin" -> true;
            case "member" -> false;
            default -> throw ApiException.badRequest("'role' must be \"admin\" or \"member\".");
        };
        Function<Conversation, Conversation> check = c -> {
            admin(actor, c);
            if (!c.hasMember(target)) {
                throw new ApiException(404, "not_found", target + " is not in this group.");
            }
            if (!promote && c.isAdmin(target) && c.admins().size() == 1) {
                throw new ApiException(400, "last_admin", "A group needs an admin: make someone else admin first.");
            }
            return c;
        };
        Conversation group = check.apply(visibleGroup(actor, id));
        if (group.isAdmin(target) == promote) {
            return group; // already so: nothing to record
        }
        Bson condition = promote
                ? Filters.and(Filters.eq("admins", actor), Filters.eq("members", target), Filters.ne("admins", target))
                : Filters.and(Filters.eq("admins", actor), Filters.eq("admins", target), Filters.exists("admins.1"));
        apply(id, check, condition, promote ? Updates.addToSet("admins", target) : Updates.pull("admins", target),
                r -> record(id, r.seq(), promote ? actor + " made " + target + " an admin" : actor + " removed " + target + " as admin",
                        new Frames.SystemEvent(promote ? "promoted" : "demoted", actor, target, null), r.before().members()));
        return reread(id);
    }

    /**
     * When the last admin has gone, the member who joined first becomes admin. The one who left is the actor (and
     * the sender): storing a message moves its sender's read mark, and the new admin has read nothing by it.
     */
    private void promoteLongestStanding(String id, String leaver, String member) {
        conversations.store.change(id, Filters.and(Filters.size("admins", 0), Filters.eq("members", member)),
                Updates.addToSet("admins", member)).ifPresent(r ->
                record(id, r.seq(), member + " is now an admin", new Frames.SystemEvent("promoted", leaver, member, null), r.before().members()));
    }

    /**
     * Applies a change whose checks passed; if the store's condition no longer holds, someone changed the group
     * meanwhile: the checks run again on what is there now, and throw the error that fits it.
     */
    private ConversationStore.Reservation apply(String id, Function<Conversation, Conversation> check, Bson condition, Bson update,
                                                java.util.function.Consumer<ConversationStore.Reservation> record) {
        Optional<ConversationStore.Reservation> done = conversations.store.change(id, condition, update);
        if (done.isEmpty()) {
            conversations.store.find(id).ifPresent(check::apply);
            throw new ApiException(409, "conflict", "The group changed meanwhile; please try again.");
        }
        record.accept(done.get());
        return done.get();
    }

    /** Stores a system message under its reserved seq, then tells {@code recipients}. */
    private void record(String id, long seq, String text, Frames.SystemEvent event, Collection<String> recipients) {
        Message stored = messages.saveSystem(id, seq, text, event);
        fanout.publish(recipients, Json.write(stored.frame()));
        log.info("event=group_changed conversation={} action={} actor={} target={} seq={}", id, event.action(), event.actor(), event.target(), seq);
    }

    private Conversation visibleGroup(String actor, String id) {
        Conversation c = conversations.visible(id, actor).orElseThrow(ConversationsApi::notFound);
        if (!c.isGroup()) {
            throw ApiException.badRequest("A direct conversation has no name or members to change.");
        }
        return c;
    }

    private Conversation admin(String actor, String id) {
        return admin(actor, visibleGroup(actor, id));
    }

    private static Conversation admin(String actor, Conversation c) {
        if (!c.hasMember(actor)) {
            throw ConversationsApi.notFound();
        }
        if (!c.isAdmin(actor)) {
            throw new ApiException(403, "not_admin", "Only the group's admins can do that.");
        }
        return c;
    }

    private Conversation reread(String id) {
        return conversations.store.find(id).orElseThrow(ConversationsApi::notFound);
    }

    private static List<String> with(List<String> members, String added) {
        List<String> all = new ArrayList<>(members);
        all.add(added);
        return all;
    }

    static String validName(String raw) {
        String name = raw == null ? "" : raw.strip();
        int chars = name.codePointCount(0, name.length());
        if (chars < 1 || chars > MAX_NAME_CHARS || name.chars().anyMatch(Character::isISOControl) || !Inbound.wellFormed(name)) {
            throw new ApiException(400, "invalid_name", "A group name is 1 to " + MAX_NAME_CHARS + " characters.");
        }
        return name;
    }
}
