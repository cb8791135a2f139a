// store.js: the client's whole state in one object, and the only functions that change it.
//
// This is the role Zustand plays in the original Next.js client, in a few dozen lines: `createStore` holds a
// state object, `set` replaces parts of it, and views `subscribe` to re-render. State is never mutated in place;
// every change makes new objects for what changed, so a view can tell cheaply whether its slice changed
// (`next.users !== prev.users`) and skip the work when it did not.
//
// Notifications are batched: several `set` calls in one task (say, twenty messages of a catch-up) cause one
// render, on the next microtask, with the state before the first change as `prev`.
//
// The second half is the state's shape and its pure transitions (no network, no DOM), mainly merging messages:
// the same message can arrive several times (our own optimistic copy, its ack, a live frame from another tab, a
// catch-up after a reconnect) and must be shown exactly once.
//
// Anything keyed by a name or an id that comes from people or from the server (usernames, message ids,
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
     * An `update` that throws changes nothing either (the error reaches the caller): chat.js relies on that to
     * retry a batch of messages one by one.
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
 * conversations: Map otherUsername -> Conversation, created when first needed.
 * unread:        Map otherUsername -> number of messages received while that conversation was not open.
 * connection:    'online' or 'reconnecting' (the contract's two words, shown as they are).
 * notice:        a transient message for the person ({ id, text }), e.g. an error frame from the server.
 * announcement:  the latest text for screen readers ({ id, text }), e.g. "New message from bob: hi".
 * authError:     why the log-in page is showing, when it is not the person's choice (session expired, no server).
 */
export function initialState() {
  return {
    phase: 'loading',
    me: null,
    users: [],
    filter: '',
    selected: null,
    conversations: new Map(),
    unread: new Map(),
    connection: 'reconnecting',
    notice: null,
    announcement: null,
    authError: null,
  };
}

/**
 * A conversation as the client knows it. `loaded` turns true once its newest page of history arrived (before
 * that it may already hold messages that arrived live); `hasMore` says whether older pages remain on the server;
 * `oldestPageId` is the oldest id of the history pages, where the next older page starts. (Not simply the oldest
 * message held: a catch-up may have brought a few older ones, and paging from those would skip what lies between.)
 */
export function emptyConversation() {
  return { messages: [], loaded: false, loading: false, hasMore: true, loadingOlder: false, oldestPageId: null, error: null };
}

/**
 * A message on screen: the contract's fields plus
 *  key:    a stable identity for the view (our clientMsgId for what we sent from this tab, else the server id),
 *  status: 'pending' (sent, not acked yet), 'sent' (stored by the server) or 'failed' (can be retried),
 *  error:  why it failed, in words.
 */
export function fromServer(frame) {
  return {
    key: frame.id,
    id: frame.id,
    sender: frame.sender,
    receiver: frame.receiver,
    message: frame.message,
    ts: frame.ts,
    clientMsgId: frame.clientMsgId || null,
    status: 'sent',
    error: null,
  };
}

/** The other person of a message, seen from `me`: our own messages (from any of our tabs) belong with the receiver. */
export function partnerOf(message, me) {
  return message.sender === me ? message.receiver : message.sender;
}

/**
 * Display order: by time, then by id. Ids are MongoDB ObjectIds (24 hex digits starting with the creation time), so
 * string order is creation order within a second. A message without an id yet (pending) goes after those with the
 * same timestamp. Timestamps are ISO-8601 UTC with milliseconds on both sides, so they too compare as strings.
 */
export function compareMessages(a, b) {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  const ai = a.id || '~';
  const bi = b.id || '~';
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}

/**
 * Merges messages into a conversation, dropping the ones it already has. Returns the new conversation and the
 * messages that were really new (for unread counts and announcements).
 *
 * Matching, in order: the same server `id` is the same message; otherwise the same sender and `clientMsgId` is our
 * own optimistic copy coming back (from the server's catch-up, or from the ack racing a live frame), which then
 * takes the server's id and time and counts as sent.
 */
export function mergeMessages(conversation, incoming) {
  const byId = new Map();
  const byClientId = new Map();
  conversation.messages.forEach((message, index) => {
    if (message.id) byId.set(message.id, index);
    if (message.clientMsgId) byClientId.set(`${message.sender}\n${message.clientMsgId}`, index);
  });
  const messages = conversation.messages.slice();
  const added = [];
  let changed = false;
  for (const message of incoming) {
    if (byId.has(message.id)) continue;
    const ownCopy = message.clientMsgId ? byClientId.get(`${message.sender}\n${message.clientMsgId}`) : undefined;
    if (ownCopy !== undefined) {
      messages[ownCopy] = { ...messages[ownCopy], id: message.id, ts: message.ts, status: 'sent', error: null };
      byId.set(message.id, ownCopy);
      changed = true;
      continue;
    }
    byId.set(message.id, messages.length);
    if (message.clientMsgId) byClientId.set(`${message.sender}\n${message.clientMsgId}`, messages.length);
    messages.push(message);
    added.push(message);
    changed = true;
  }
  if (!changed) return { conversation, added };
  messages.sort(compareMessages);
  return { conversation: { ...conversation, messages }, added };
}

/**
 * The state change for messages from the server (live frames, catch-up, history pages), in any conversations.
 * New messages from others in a conversation that is not open count as unread when `countUnread` is set;
 * senders we did not know yet (someone who signed up after we loaded the list) join the user list.
 */
export function withServerMessages(state, messages, { countUnread = true } = {}) {
  const groups = new Map();
  for (const message of messages) {
    const partner = partnerOf(message, state.me);
    if (!groups.has(partner)) groups.set(partner, []);
    groups.get(partner).push(message);
  }
  const conversations = new Map(state.conversations);
  const unread = new Map(state.unread);
  let users = state.users;
  const added = [];
  for (const [partner, group] of groups) {
    const result = mergeMessages(conversations.get(partner) || emptyConversation(), group);
    conversations.set(partner, result.conversation);
    added.push(...result.added);
    const fromThem = result.added.filter((message) => message.sender !== state.me).length;
    if (countUnread && fromThem > 0 && partner !== state.selected) unread.set(partner, (unread.get(partner) || 0) + fromThem);
    if (!users.includes(partner) && partner !== state.me) users = [...users, partner].sort();
  }
  return { patch: { conversations, unread, users }, added };
}

/** A copy of a Map with one entry set: how the state's Maps change without being changed in place. */
export function mapWith(map, key, value) {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}

/** Replaces one conversation's fields (creating the conversation if needed). */
export function withConversation(state, partner, changes) {
  const current = state.conversations.get(partner) || emptyConversation();
  return { conversations: mapWith(state.conversations, partner, { ...current, ...changes }) };
}

/** Changes one message, found by its view key, in one conversation. */
export function withMessage(state, partner, key, changes) {
  const current = state.conversations.get(partner);
  if (!current) return null;
  const index = current.messages.findIndex((message) => message.key === key);
  if (index < 0) return null;
  const messages = current.messages.slice();
  messages[index] = { ...messages[index], ...changes };
  messages.sort(compareMessages);
  return { conversations: mapWith(state.conversations, partner, { ...current, messages }) };
}
