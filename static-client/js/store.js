// store.js: the client's whole state in one object, and the pure functions that change it.
//
// `createStore` holds a state object, `set` replaces parts of it, and views `subscribe` to re-render. State is
// never mutated in place; every change makes new objects for what changed, so a view can tell cheaply whether
// its slice changed (`next.conversations !== prev.conversations`) and skip the work when it did not.
// Notifications are batched: several `set` calls in one task (a catch-up page of fifty messages) cause one render,
// on the next microtask, with the state before the first change as `prev`.
//
// Everything below createStore is pure (no network, no DOM, no clock), so it runs under Node as it is:
// `node --test static-client/test/` checks it. That is where the rules of contract v2 live on this side:
//  - a conversation is keyed by its server id, which we never parse (a direct one's id happens to contain the two
//    names, but a group's does not, and the contract calls ids opaque);
//  - messages are ordered and deduplicated by `seq`; our own message coming back (ack, another tab, catch-up) is
//    matched by its `clientMsgId` and shown once;
//  - unread is `lastSeq - readSeq`, never negative, never counted by hand: counting by hand drifts as soon as a
//    message arrives twice or a receipt from another tab moves readSeq;
//  - `syncedSeq` is how far a loaded conversation is known to be complete, which is where catching up starts.
//
// Anything keyed by a name or an id that comes from people or from the server (usernames, conversation ids,
// clientMsgIds) is a Map, never a plain object. A plain object inherits from Object.prototype, so `unread[name]`
// for a person called `constructor` is the Object function, and for `__proto__` it is Object.prototype itself:
// both are valid usernames (3-32 of a-z 0-9 _ . -). A Map holds only what was put in it. Maps in the state are
// replaced, never changed in place (`new Map(old)` then `set`), for the same reason as every other part of it.

export function createStore(initialState) {
  let state = initialState;
  let notified = initialState; // what listeners saw last
  let scheduled = false;
  const listeners = new Set();

  function notify() {
    scheduled = false;
    const prev = notified;
    notified = state;
    for (const listener of [...listeners]) listener(state, prev);
  }

  return {
    get: () => state,
    /**
     * Merges a patch (or what `update(state)` returns) into the state; null or undefined changes nothing.
     * An `update` that throws changes nothing either (the error reaches the caller).
     */
    set(update) {
      const patch = typeof update === 'function' ? update(state) : update;
      if (!patch) return;
      state = { ...state, ...patch };
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(notify);
      }
    },
    /** Calls `listener(state, prev)` after every batch of changes; returns the function that unsubscribes. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The state. `phase` says which page shows: 'loading' (asking the server who we are), 'auth' or 'chat'.
 *
 * users:         everyone else's username, sorted (the people directory).
 * deleted:       the deleted accounts' usernames, sorted: their old messages show "Deleted user" as the sender.
 * usersLoaded:   `GET /api/users` has answered once (before that, or offline, "no one else is here" is not true).
 * conversations: Map conversation id -> Conversation (see emptyConversation).
 * listLoaded:    the first `GET /api/conversations` has answered (before that, "no conversations" is not true yet).
 * selected:      the open conversation's id, or null.
 * outbox:        Map clientMsgId -> OutboxEntry: what we sent that the server has not acked (see outbox.js).
 * panel:         what covers part of the screen: null, 'new-group', 'members' or 'add-member'.
 * connection:    'connecting' until the first connection of the session opens, then 'online' or 'reconnecting'
 *                (the contract's two words): "reconnecting" on a page that never was connected would be untrue.
 *                A reload while the server cannot be reached starts at 'reconnecting' (chat.js, restoreSession):
 *                that page continues this browser's session, which was connected before the reload.
 * typing:        Map conversation id -> Map username -> until (ms): who is typing where (typing.js).
 * presence:      Map username -> { online, lastSeen }: the watched people's presence (presence.js); emptied while
 *                the socket is down, as nothing is known then, and filled again by the next `watch`'s answers.
 * notifications: { permission, enabled }: the browser's Notification permission ('granted', 'denied', 'default' or
 *                'unsupported') and whether desktop notifications are on for this person (notifications.js).
 * notice / announcement: { id, text } for the toast and for screen readers; authError: why the log-in page shows.
 */
export function initialState() {
  return {
    phase: 'loading',
    me: null,
    users: [],
    deleted: [],
    usersLoaded: false,
    filter: '',
    conversations: new Map(),
    listLoaded: false,
    selected: null,
    outbox: new Map(),
    panel: null,
    connection: 'connecting',
    typing: new Map(),
    presence: new Map(),
    notifications: { permission: 'default', enabled: false },
    notice: null,
    announcement: null,
    authError: null,
    day: '',
  };
}

/**
 * A conversation as the client knows it: the server's Summary/Conversation fields, plus what this client holds.
 *
 * known:       its details came from the server (a `chat msg` for a conversation not yet in the list makes a
 *              stand-in with known=false until `GET /api/conversations/{id}` answers).
 * members:     [{username, role, readSeq, deliveredSeq}]; role is null while only a Summary (names only) is
 *              known; the marks only grow (withMarks), and are 0 until a Conversation or a receipt tells them.
 * ended:       we were removed or left: it stays on screen, read-only, until the next full list drops it.
 * muted:       I muted it (stored on the server, my membership's setting): no desktop notification, no reading out
 *              of its messages; its badge still counts.
 * marksSeq:    the seq of the newest change to name/members/ended applied (a system message or a server answer),
 *              so an older system message met later (history, catch-up) cannot undo a newer state.
 * messages:    server messages, sorted by seq, each seq once.
 * loaded:      its newest page of history arrived; hasMore: older pages remain; oldestSeq: where they start.
 * syncedSeq:   every message up to this seq is held (from the first page on); catching up asks for `after=` it.
 * gap:         null, or { since, upTo }: a page showed seqs missing below upTo at time `since` (ms). They may be
 *              messages still being written (see settleGaps); until that has had time to end, syncedSeq stays
 *              below them and sync.js asks again.
 */
export function emptyConversation(id) {
  return {
    id, kind: 'direct', name: '', members: [], createdBy: null,
    lastSeq: 0, readSeq: 0, lastMessage: null, updatedAt: '',
    known: false, ended: false, marksSeq: 0, muted: false,
    messages: [], loaded: false, loading: false, hasMore: true, loadingOlder: false, oldestSeq: null,
    syncedSeq: 0, gap: null, error: null,
  };
}

/** The contract's rule: what the conversation has beyond what I have read, never negative. */
export function unreadOf(conversation) {
  return Math.max(0, conversation.lastSeq - conversation.readSeq);
}

/**
 * A message from the server (a frame, a history page, a Summary's lastMessage) as the views use it.
 * `key` is its identity on screen: our own messages keep the key they had in the outbox (`c:` + sender +
 * clientMsgId), so the bubble that showed a clock is the one that turns sent; everything else is keyed by seq.
 */
export function fromServer(frame) {
  const clientMsgId = typeof frame.clientMsgId === 'string' && frame.clientMsgId ? frame.clientMsgId : null;
  return {
    key: clientMsgId ? ownKey(frame.sender, clientMsgId) : `s:${frame.seq}`,
    id: frame.id,
    conversation: frame.conversation,
    seq: frame.seq,
    sender: frame.sender,
    receiver: typeof frame.receiver === 'string' ? frame.receiver : null,
    message: frame.message,
    ts: frame.ts,
    clientMsgId,
    system: frame.system && typeof frame.system === 'object' ? frame.system : null,
    status: 'sent',
    error: null,
  };
}

/** The view key of a message we sent: the same before (outbox) and after (server) it is stored. */
export function ownKey(sender, clientMsgId) {
  return `c:${sender}\n${clientMsgId}`;
}

/** Whether a frame or a page entry has what a message needs; anything else is dropped, not half-shown. */
export function isMessage(frame) {
  return frame !== null && typeof frame === 'object'
    && typeof frame.conversation === 'string' && Number.isInteger(frame.seq) && frame.seq > 0
    && ['id', 'sender', 'message', 'ts'].every((field) => typeof frame[field] === 'string');
}

/** Whether a system message takes `me` out of its group: `removed` naming me, or `left` by me. */
export function removesMe(system, me) {
  if (!system) return false;
  if (system.action === 'removed') return system.target === me;
  if (system.action === 'left') return (system.target || system.actor) === me;
  return false;
}

/** A group change applied to name, members and ended; the server's next answer has the last word anyway. */
function applySystem(conversation, system, me) {
  const members = conversation.members.slice();
  const at = members.findIndex((member) => member.username === system.target);
  const changes = {};
  switch (system.action) {
    case 'renamed':
      if (typeof system.name === 'string') changes.name = system.name;
      break;
    case 'added':
      if (system.target && at < 0) changes.members = [...members, { username: system.target, role: 'member' }];
      if (system.target === me) changes.ended = false;
      break;
    case 'removed':
    case 'left': {
      const who = system.action === 'left' ? system.target || system.actor : system.target;
      changes.members = members.filter((member) => member.username !== who);
      if (removesMe(system, me)) changes.ended = true;
      break;
    }
    case 'promoted':
    case 'demoted':
      if (at >= 0) {
        members[at] = { ...members[at], role: system.action === 'promoted' ? 'admin' : 'member' };
        changes.members = members;
      }
      break;
    default:
      break; // `created`, or an action a newer server adds: nothing to change here
  }
  return { ...conversation, ...changes };
}

/** Moves syncedSeq forward over the messages held right after it (only once the conversation is loaded). */
export function extendSynced(conversation) {
  if (!conversation.loaded) return conversation;
  let synced = conversation.syncedSeq;
  for (const message of conversation.messages) {
    if (message.seq <= synced) continue;
    if (message.seq !== synced + 1) break;
    synced = message.seq;
  }
  return synced === conversation.syncedSeq ? conversation : { ...conversation, syncedSeq: synced };
}

/**
 * How long seqs missing below a page's end may be messages still being written. Seqs are reserved before the
 * insert, so a page can hold 6 while 5, reserved earlier by another instance, is not stored yet
 * (docs/PROTOCOL.md, "A page can overtake a message still being written"). A write that has not landed within
 * this time never will (the server's store timeouts end it sooner, and the sender resends under a new seq), so
 * a seq still missing then is one never used: a crash between reserving and storing leaves such seqs.
 */
export const GAP_SETTLE_MS = 30000;

/**
 * A gap below a message stored this long ago is settled without asking: whatever was numbered before that
 * message was written long since. Ten minutes, far beyond GAP_SETTLE_MS, so that a client clock a few minutes
 * off cannot take a fresh gap for an old one. Unused seqs are common (a re-send numbered and then refused as a
 * duplicate leaves one), and without this every opened page with one would be asked about for 30 s.
 */
export const OLD_GAP_MS = 10 * 60 * 1000;

/** Moves syncedSeq over what is held, and over gaps below messages older than OLD_GAP_MS (by their `ts`). */
export function passOldGaps(conversation, now) {
  if (!conversation.loaded) return conversation;
  let synced = conversation.syncedSeq;
  for (const message of conversation.messages) {
    if (message.seq <= synced) continue;
    if (message.seq !== synced + 1) {
      const storedAt = Date.parse(message.ts);
      if (!(Number.isFinite(storedAt) && now - storedAt >= OLD_GAP_MS)) break;
    }
    synced = message.seq;
  }
  return synced === conversation.syncedSeq ? conversation : { ...conversation, syncedSeq: synced };
}

/**
 * After pages that reached `pagedTo` (the server has nothing else up to there, unless it is being written):
 * syncedSeq moves over what is held, and over missing seqs only once they were first seen missing
 * GAP_SETTLE_MS ago. While seqs stay missing, `gap` says since when, and the caller asks again later.
 */
export function settleGaps(conversation, pagedTo, now) {
  let next = passOldGaps(extendSynced(conversation), now);
  if (next.syncedSeq >= pagedTo) return next.gap ? { ...next, gap: null } : next;
  if (next.gap && next.gap.upTo <= next.syncedSeq) next = { ...next, gap: null }; // that one filled: a new one
  if (next.gap && now - next.gap.since >= GAP_SETTLE_MS) {
    // Whatever below gap.upTo was going to be stored is stored by now: what is still missing there was unused.
    next = passOldGaps(extendSynced({ ...next, syncedSeq: Math.max(next.syncedSeq, next.gap.upTo), gap: null }), now);
    if (next.syncedSeq >= pagedTo) return next;
  }
  return next.gap ? next : { ...next, gap: { since: now, upTo: pagedTo } };
}

/**
 * Merges server messages into one conversation, dropping the seqs it already has. Returns the new conversation
 * and the messages that were really new. Besides the list, it moves lastSeq, lastMessage and updatedAt; readSeq
 * for our own messages (sending marks read, on the server too); and name/members/ended for system messages
 * newer than marksSeq.
 */
export function mergeMessages(conversation, incoming, me) {
  const bySeq = new Map(conversation.messages.map((message) => [message.seq, message]));
  const added = [];
  for (const message of incoming) {
    if (bySeq.has(message.seq)) continue;
    bySeq.set(message.seq, message);
    added.push(message);
  }
  if (added.length === 0) return { conversation, added };
  let next = { ...conversation, messages: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
  for (const message of added.slice().sort((a, b) => a.seq - b.seq)) {
    if (message.seq > next.lastSeq) next.lastSeq = message.seq;
    if (!next.lastMessage || message.seq > next.lastMessage.seq) next.lastMessage = message;
    if (message.ts > next.updatedAt) next.updatedAt = message.ts;
    if (message.sender === me && message.seq > next.readSeq) next.readSeq = message.seq;
    if (message.system && message.seq > next.marksSeq) next = { ...applySystem(next, message.system, me), marksSeq: message.seq };
  }
  return { conversation: extendSynced(next), added };
}

/**
 * The server's view of a conversation (a Summary from the list, or a Conversation from GET/POST/PATCH) folded
 * into ours. Marks only grow; members come as names (Summary) or as {username, role} (Conversation).
 */
export function withDetails(conversation, details, me) {
  const known = new Map(conversation.members.map((member) => [member.username, member]));
  const members = Array.isArray(details.members)
    ? details.members.map((member) => (typeof member === 'string'
      ? { ...known.get(member), username: member, role: known.get(member)?.role ?? null }
      : withMarks({ username: member.username, role: member.role ?? null }, known.get(member.username), member)))
    : conversation.members;
  const lastSeq = Math.max(conversation.lastSeq, Number(details.lastSeq) || 0);
  let next = {
    ...conversation,
    id: details.id || conversation.id,
    kind: details.kind === 'group' ? 'group' : 'direct',
    name: typeof details.name === 'string' ? details.name : conversation.name,
    members,
    createdBy: details.createdBy ?? conversation.createdBy,
    lastSeq,
    readSeq: Math.max(conversation.readSeq, Number(details.readSeq) || 0),
    updatedAt: typeof details.updatedAt === 'string' && details.updatedAt > conversation.updatedAt ? details.updatedAt : conversation.updatedAt,
    known: true,
    ended: false,
    marksSeq: Math.max(conversation.marksSeq, lastSeq),
    // The server's word, when it says (an older server does not): my own setting, so nothing to merge.
    muted: typeof details.muted === 'boolean' ? details.muted : conversation.muted,
  };
  if (details.lastMessage && isMessage(details.lastMessage)
      && (!next.lastMessage || details.lastMessage.seq > next.lastMessage.seq)) {
    next.lastMessage = fromServer(details.lastMessage);
    if (next.lastMessage.ts > next.updatedAt) next.updatedAt = next.lastMessage.ts;
  }
  if (me && !members.some((member) => member.username === me) && members.length > 0) next = { ...next, ended: true };
  return next;
}

/** Our own read mark moved (we read, or a `receipt` for us from another tab): unread follows from it. */
export function withReadSeq(conversation, readSeq) {
  // Not capped at lastSeq: a receipt can overtake the message it is about, which then arrives already read.
  const seq = Number(readSeq) || 0;
  return seq > conversation.readSeq ? { ...conversation, readSeq: seq } : conversation;
}

/**
 * A member entry with the higher of two sets of marks. Marks only grow, and the answers that carry them race: a
 * `receipt` can arrive before the `GET /api/conversations/{id}` answer that was read from the store earlier,
 * and a receipt may carry only the latest marks of several frames. So every source means "at least this".
 */
function withMarks(entry, ...sources) {
  let readSeq = 0;
  let deliveredSeq = 0;
  for (const source of sources) {
    if (!source) continue;
    readSeq = Math.max(readSeq, Number(source.readSeq) || 0);
    deliveredSeq = Math.max(deliveredSeq, Number(source.deliveredSeq) || 0);
  }
  return { ...entry, readSeq, deliveredSeq };
}

/**
 * A member's marks (a `receipt`, for them or for me): kept on the member, where the ticks (receipts.js) read
 * them. The same conversation object when nothing rose, so the views skip the work.
 */
export function withMemberMarks(conversation, user, readSeq, deliveredSeq) {
  const at = conversation.members.findIndex((member) => member.username === user);
  if (at < 0) return conversation;
  const member = conversation.members[at];
  const next = withMarks(member, member, { readSeq, deliveredSeq });
  if (next.readSeq === (member.readSeq || 0) && next.deliveredSeq === (member.deliveredSeq || 0)) return conversation;
  const members = conversation.members.slice();
  members[at] = next;
  return { ...conversation, members };
}

/** When a conversation was last active: its newest message, else the server's updatedAt. ISO strings sort as text. */
export function activityOf(conversation) {
  const last = conversation.lastMessage ? conversation.lastMessage.ts : '';
  return last > conversation.updatedAt ? last : conversation.updatedAt;
}

/**
 * The conversation list: most recent first (ties by id, so the order never flickers). A direct conversation
 * with no message yet is left out, as messengers do: opening someone from the directory must not push the
 * directory down under the pointer before anything was said.
 */
export function conversationOrder(conversations) {
  return [...conversations.values()]
    .filter((conversation) => conversation.kind === 'group' || conversation.lastMessage || conversation.messages.length > 0)
    .sort((a, b) => {
      const x = activityOf(a);
      const y = activityOf(b);
      if (x !== y) return x < y ? 1 : -1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
}

/** A copy of a Map with one entry set: how the state's Maps change without being changed in place. */
export function mapWith(map, key, value) {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}

/** A copy of a Map without one entry. */
export function mapWithout(map, key) {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

/** Changes one conversation (creating a stand-in for an id we did not know). */
export function withConversation(state, id, change) {
  const current = state.conversations.get(id) || emptyConversation(id);
  const next = typeof change === 'function' ? change(current) : { ...current, ...change };
  return next === current ? null : { conversations: mapWith(state.conversations, id, next) };
}

/**
 * Server messages (live frames, catch-up and history pages), in any conversations, into the state. Our own
 * messages among them leave the outbox: whichever path brought them, they are stored. Returns the patch, the
 * messages that were new, and the ids of conversations we had never heard of (the caller fetches their details).
 */
export function withServerMessages(state, messages) {
  const byConversation = new Map();
  for (const message of messages) {
    if (!byConversation.has(message.conversation)) byConversation.set(message.conversation, []);
    byConversation.get(message.conversation).push(message);
  }
  const conversations = new Map(state.conversations);
  let outbox = state.outbox;
  const added = [];
  const unknown = [];
  for (const [id, group] of byConversation) {
    const current = conversations.get(id);
    // The news that we left or were removed from a group we no longer hold (we left from this tab) adds nothing.
    if (!current && group.some((m) => removesMe(m.system, state.me))) continue;
    if (!current) unknown.push(id);
    // A stand-in until its details arrive: a direct message names both people, so the name is known already.
    const direct = group.find((m) => m.receiver);
    const base = current || {
      ...emptyConversation(id),
      kind: direct ? 'direct' : 'group',
      name: direct ? (direct.sender === state.me ? direct.receiver : direct.sender) : '',
    };
    const result = mergeMessages(base, group, state.me);
    conversations.set(id, result.conversation);
    added.push(...result.added);
    for (const message of group) {
      if (message.sender === state.me && message.clientMsgId) outbox = mapWithout(outbox, message.clientMsgId);
    }
  }
  return { patch: { conversations, outbox }, added, unknown };
}

/**
 * A new full list from `GET /api/conversations`: each Summary folded in. A conversation we hold that the list no
 * longer has was taken from us while we were away: it goes, unless it is open (then it shows as ended).
 */
export function withConversationList(state, summaries) {
  const conversations = new Map();
  for (const summary of summaries) {
    const current = state.conversations.get(summary.id) || emptyConversation(summary.id);
    conversations.set(summary.id, withDetails(current, summary, state.me));
  }
  for (const [id, conversation] of state.conversations) {
    if (conversations.has(id)) continue;
    if (conversation.kind === 'group' && conversation.known) {
      // A group we knew that the list no longer has was taken from us while we were away.
      if (id === state.selected) conversations.set(id, { ...conversation, ended: true });
    } else {
      // A stand-in still waiting for its details, or a direct conversation just opened from the directory
      // (the server lists it once it has a message): keep it.
      conversations.set(id, conversation);
    }
  }
  return { conversations, listLoaded: true };
}

/**
 * The direct conversation with `username`, if we hold it. Found by its `name` (the contract gives a direct
 * conversation the other person's name), never by building or parsing its id.
 */
export function directWith(conversations, username) {
  for (const conversation of conversations.values()) {
    if (conversation.kind === 'direct' && conversation.name === username) return conversation;
  }
  return null;
}

/**
 * What the directory lists: the server's users, plus anyone we share a conversation with, never me, never a
 * deleted account (a direct conversation keeps it as a member, but nobody can write to it any more).
 */
export function directoryOf(users, conversations, me, deleted = []) {
  const names = new Set(users);
  for (const conversation of conversations.values()) {
    for (const member of conversation.members) names.add(member.username);
  }
  names.delete(me);
  for (const name of deleted) names.delete(name);
  return [...names].sort();
}
