// chat.js: what the client does, as opposed to what it shows. Views call these actions; they change the store.
//
// A message's life on this side, in order:
//  1. send(): it is shown at once as `pending`, with a fresh clientMsgId, and written to the WebSocket.
//  2. The server stores it and answers `ack` with its id: the message turns `sent` and takes that id.
//     No ack within ACK_TIMEOUT_MS, the socket closed, or an `error` frame naming it: it turns `failed`, and
//     retry() sends it again with the same clientMsgId, which the server promises never to store twice.
//  3. The other person's browser (and our own other tabs) get a `chat msg` frame and merge it by id.
//
// Nothing is lost while the socket is down: on every (re)connect, and when the server sends `resync`, catchUp()
// asks for everything newer than the newest id we have seen, and the store drops what it already has.
// That starting point only moves past messages that are really in the store: a page that could not be merged
// in full is asked for again next time rather than skipped (see receive() and catchUp()).

import { api, ChatSocket, serverNow } from './api.js';
import { webSocketUrl } from './config.js';
import {
  emptyConversation, fromServer, initialState, mapWith, mergeMessages, withConversation, withMessage, withServerMessages,
} from './store.js';

const PAGE_SIZE = 50; // messages per history page
const CATCH_UP_PAGE = 200; // the server's maximum
const CATCH_UP_MAX_PAGES = 20;
const ACK_TIMEOUT_MS = 10000;
const USERS_REFRESH_MS = 30000;
const SELECTION_KEY = 'chitchat.selected';

/**
 * A MongoDB ObjectId made from a time alone. Ids start with their creation time in seconds, so this is a valid
 * bound for `after=`: "everything created since then". It gives catch-up a starting point before we have seen
 * any real id, and is taken from the server's clock, not ours, so a wrong clock on this machine misses nothing.
 */
function objectIdAt(ms) {
  return Math.max(0, Math.floor(ms / 1000)).toString(16).padStart(8, '0') + '0'.repeat(16);
}

function isMessageFrame(frame) {
  return ['id', 'sender', 'receiver', 'message', 'ts'].every((field) => typeof frame[field] === 'string');
}

export function createChat(store, config) {
  const wsUrl = webSocketUrl(config);
  let socket = null;
  let newestSeen = null; // the newest message id known to be complete up to: where catch-up starts
  // Live messages move newestSeen too, but not after one of them could not be shown: from then on only a catch-up
  // that got everything moves it, so that message is fetched again instead of being jumped over by later ones.
  // Counted rather than flagged, so a failure during a catch-up run is not forgiven by that same run.
  let liveFailures = 0; // live messages this session that could not be shown
  let liveFailuresCaughtUp = 0; // how many of those a complete catch-up has fetched again since
  // clientMsgId -> { partner, timer, inFlight }: what this tab sent that is not acked yet (pending or failed)
  const outbox = new Map();
  let catchUpRunning = false;
  let catchUpAgain = false;
  let usersTimer = null;
  let noticeCount = 0;
  // Bumped when a session starts or ends, so an answer that arrives after logging out changes nothing.
  let generation = 0;

  // ---- session --------------------------------------------------------------------------------------------------

  /** On page load: a valid cookie means we are still logged in. */
  async function restoreSession() {
    try {
      const { username } = await api.me();
      startSession(username);
    } catch (error) {
      store.set({ phase: 'auth', authError: error.status === 401 ? null : error.message });
    }
  }

  /** Sign up or log in (`kind` is 'signup' or 'login'); rejects with the server's ApiError for the view to show. */
  async function authenticate(kind, username, password) {
    const { username: canonical } = await (kind === 'signup' ? api.signup(username, password) : api.login(username, password));
    startSession(canonical);
  }

  async function logout() {
    try {
      await api.logout();
    } catch {
      // the cookie may outlive a failed call, but this tab forgets the session either way
    }
    endSession(null);
  }

  function startSession(username) {
    generation += 1;
    store.set({ ...initialState(), phase: 'chat', me: username });
    newestSeen = objectIdAt(serverNow() - 2000);
    liveFailures = 0;
    liveFailuresCaughtUp = 0;
    socket = new ChatSocket(wsUrl, { onOpen, onFrame, onClose, beforeReconnect });
    socket.start();
    loadUsers();
    usersTimer = setInterval(() => {
      if (document.visibilityState === 'visible') loadUsers();
    }, USERS_REFRESH_MS);
    const remembered = sessionStorage.getItem(SELECTION_KEY);
    if (remembered) openConversation(remembered);
  }

  function endSession(reason) {
    generation += 1;
    socket?.stop();
    socket = null;
    clearInterval(usersTimer);
    for (const entry of outbox.values()) clearTimeout(entry.timer);
    outbox.clear();
    sessionStorage.removeItem(SELECTION_KEY);
    store.set({ ...initialState(), phase: 'auth', authError: reason });
  }

  /** Any call answered 401 means the session ended (expired, or logged out in another tab). */
  function handleFailure(error) {
    if (error.status === 401) {
      endSession('Your session has ended. Please log in again.');
      return true;
    }
    return false;
  }

  async function loadUsers() {
    const session = generation;
    try {
      const list = await api.users();
      if (session !== generation) return;
      store.set((state) => {
        // Keep people we only know from messages (the list may be older than their first message).
        const known = new Set(list.map((user) => user.username));
        for (const partner of state.conversations.keys()) known.add(partner);
        known.delete(state.me);
        return { users: [...known].sort() };
      });
    } catch (error) {
      if (session === generation) handleFailure(error);
    }
  }

  // ---- the socket -----------------------------------------------------------------------------------------------

  function onOpen() {
    store.set({ connection: 'online' });
    catchUp();
    loadUsers();
  }

  function onClose() {
    store.set({ connection: 'reconnecting' });
    // Whatever was in flight may or may not have been stored: say "failed"; a retry is safe (same clientMsgId),
    // and the catch-up after reconnecting turns it `sent` by itself if the server did store it.
    for (const [clientMsgId, entry] of outbox) {
      if (entry.inFlight) fail(clientMsgId, 'Not sent: the connection was lost.');
    }
  }

  /** Before each reconnect: still logged in? A refused handshake looks just like a network error otherwise. */
  async function beforeReconnect() {
    try {
      await api.me();
      return true;
    } catch (error) {
      return !handleFailure(error);
    }
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'chat msg':
        if (isMessageFrame(frame)) receiveLive(fromServer(frame));
        break;
      case 'ack':
        acknowledged(frame);
        break;
      case 'error':
        rejected(frame);
        break;
      case 'resync':
        catchUp();
        break;
      default:
        break; // a newer server may send more; ignoring what we do not know keeps old tabs working
    }
  }

  function advance(id) {
    if (typeof id === 'string' && (newestSeen === null || id > newestSeen)) newestSeen = id;
  }

  /**
   * Messages from the server, live or caught up: merge, count unread, announce the new ones from others.
   * Returns whether every one of them is now in the store; the caller decides what that means for newestSeen.
   *
   * The batch is merged in one go. Should that throw (a message this code cannot handle: a bug, but one that must
   * not cost the others), it is merged again one message at a time, so only the odd one is left out. A store
   * update that throws changes nothing, so the second try cannot show anything twice.
   */
  function receive(messages, { live }) {
    if (messages.length === 0) return true;
    const fromOthers = [];
    const merge = (batch) => store.set((state) => {
      const { patch, added } = withServerMessages(state, batch);
      fromOthers.push(...added.filter((message) => message.sender !== state.me));
      return patch;
    });
    let merged = messages;
    try {
      merge(messages);
    } catch {
      merged = messages.filter((message) => {
        try {
          merge([message]);
          return true;
        } catch (error) {
          console.error('Chit-Chat could not show message', message.id, error);
          return false;
        }
      });
    }
    for (const message of merged) settleOwn(message.clientMsgId, message.sender);
    if (fromOthers.length > 0) {
      const last = fromOthers[fromOthers.length - 1];
      const text = live || fromOthers.length === 1
        ? `New message from ${last.sender}: ${last.message}`
        : `${fromOthers.length} new messages`;
      store.set({ announcement: { id: ++noticeCount, text } });
    }
    return merged.length === messages.length;
  }

  /** One `chat msg` frame. It moves the catch-up point only if it is shown and no earlier live one failed. */
  function receiveLive(message) {
    if (!receive([message], { live: true })) liveFailures += 1;
    else if (liveFailures === liveFailuresCaughtUp) advance(message.id);
  }

  /** Our own message came back from the server (another path than its ack): it needs no timer any more. */
  function settleOwn(clientMsgId, sender) {
    const entry = clientMsgId && outbox.get(clientMsgId);
    if (entry && sender === store.get().me) {
      clearTimeout(entry.timer);
      outbox.delete(clientMsgId);
    }
  }

  function acknowledged(frame) {
    // An ack does not move the catch-up point: our own message being stored says nothing about messages from
    // others that a broken live path may have missed before it.
    const entry = outbox.get(frame.clientMsgId);
    if (!entry) return;
    clearTimeout(entry.timer);
    outbox.delete(frame.clientMsgId);
    store.set((state) => {
      const conversation = state.conversations.get(entry.partner);
      // The same message may already be here under its id (a catch-up raced the ack): keep one copy.
      if (conversation && conversation.messages.some((m) => m.id === frame.id && m.key !== frame.clientMsgId)) {
        const messages = conversation.messages.filter((m) => m.key !== frame.clientMsgId);
        return withConversation(state, entry.partner, { messages });
      }
      const changes = { id: frame.id, status: 'sent', error: null };
      if (typeof frame.ts === 'string') changes.ts = frame.ts; // the server's time replaces our guess
      return withMessage(state, entry.partner, frame.clientMsgId, changes);
    });
  }

  function rejected(frame) {
    const text = typeof frame.message === 'string' && frame.message ? frame.message : 'The server refused a message.';
    if (frame.clientMsgId && outbox.has(frame.clientMsgId)) fail(frame.clientMsgId, text);
    showNotice(text);
  }

  /**
   * Fetches what we missed. One run at a time; a request during a run (a `resync` while catching up) runs again
   * after it. The server answers with a few seconds of overlap, and the merge drops ids we already have.
   *
   * newestSeen moves past a page only once the whole page is in the store. If some of it could not be merged,
   * the run stops where it is: the next catch-up (next reconnect or resync) asks for that page again, and what
   * did show is not shown twice.
   */
  async function catchUp() {
    if (catchUpRunning) {
      catchUpAgain = true;
      return;
    }
    catchUpRunning = true;
    const session = generation;
    const liveFailuresBefore = liveFailures;
    try {
      let reachedEnd = false;
      do {
        catchUpAgain = false;
        reachedEnd = false;
        for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
          const before = newestSeen;
          const { msgs } = await api.since(newestSeen, CATCH_UP_PAGE);
          if (session !== generation) return;
          const messages = msgs.filter(isMessageFrame).map(fromServer);
          if (!receive(messages, { live: false })) {
            showNotice('Some messages could not be shown. Chit-Chat will fetch them again when it reconnects.');
            return;
          }
          for (const message of messages) advance(message.id);
          // A short page is the end; a full page that did not move us forward (more than a page of messages
          // inside the overlap window) cannot be paged past, so stop rather than loop.
          if (msgs.length < CATCH_UP_PAGE) reachedEnd = true;
          if (reachedEnd || newestSeen === before) break;
        }
      } while (catchUpAgain);
      // Everything the server had is in the store now, including any live message that failed before this run.
      if (reachedEnd) liveFailuresCaughtUp = liveFailuresBefore;
    } catch (error) {
      if (session === generation && !handleFailure(error) && (error.status === 429 || error.status === 503)) {
        // The server is limiting history requests (many tabs reconnecting at once) or is busy: try again when it
        // says, rather than wait for the next reconnect with messages missing.
        const seconds = Math.min(30, Math.max(1, error.retryAfterSeconds || 2));
        setTimeout(() => { if (session === generation) catchUp(); }, seconds * 1000);
      }
      // otherwise: the next reconnect or resync tries again
    } finally {
      catchUpRunning = false;
    }
  }

  // ---- conversations --------------------------------------------------------------------------------------------

  function openConversation(partner) {
    store.set((state) => ({
      selected: partner,
      unread: mapWith(state.unread, partner, 0),
      ...(state.users.includes(partner) ? {} : { users: [...state.users, partner].sort() }),
    }));
    sessionStorage.setItem(SELECTION_KEY, partner);
    const conversation = store.get().conversations.get(partner);
    if (!conversation || (!conversation.loaded && !conversation.loading)) loadHistory(partner);
  }

  function closeConversation() {
    store.set({ selected: null });
    sessionStorage.removeItem(SELECTION_KEY);
  }

  /** The newest page of a conversation, the first time it is opened. */
  async function loadHistory(partner) {
    store.set((state) => withConversation(state, partner, { loading: true, error: null }));
    const session = generation;
    try {
      const page = await api.conversation(partner, { limit: PAGE_SIZE });
      if (session !== generation) return;
      mergePage(partner, page.msgs, {
        loaded: true, loading: false, hasMore: page.msgs.length === PAGE_SIZE, oldestPageId: page.msgs[0]?.id ?? null,
      });
    } catch (error) {
      if (session === generation && !handleFailure(error)) {
        store.set((state) => withConversation(state, partner, { loading: false, error: error.message }));
      }
    }
  }

  /** The page before the oldest message shown, when the person scrolls to the top. */
  async function loadOlder(partner) {
    const conversation = store.get().conversations.get(partner);
    if (!conversation || !conversation.loaded || !conversation.hasMore || conversation.loadingOlder) return;
    if (!conversation.oldestPageId) return;
    store.set((state) => withConversation(state, partner, { loadingOlder: true }));
    const session = generation;
    try {
      const page = await api.conversation(partner, { before: conversation.oldestPageId, limit: PAGE_SIZE });
      if (session !== generation) return;
      mergePage(partner, page.msgs, {
        loadingOlder: false,
        hasMore: page.msgs.length === PAGE_SIZE,
        oldestPageId: page.msgs[0]?.id ?? conversation.oldestPageId,
      });
    } catch (error) {
      if (session === generation && !handleFailure(error)) {
        store.set((state) => withConversation(state, partner, { loadingOlder: false }));
        showNotice(error.message);
      }
    }
  }

  function mergePage(partner, msgs, changes) {
    store.set((state) => {
      const { patch } = withServerMessages(state, msgs.filter(isMessageFrame).map(fromServer), { countUnread: false });
      const conversation = patch.conversations.get(partner) || emptyConversation();
      return { ...patch, conversations: mapWith(patch.conversations, partner, { ...conversation, ...changes }) };
    });
  }

  // ---- sending --------------------------------------------------------------------------------------------------

  /** Shows the message at once, then hands it to the socket. */
  function send(partner, text) {
    const clientMsgId = crypto.randomUUID();
    const me = store.get().me;
    const message = {
      key: clientMsgId,
      id: null,
      sender: me,
      receiver: partner,
      message: text,
      ts: new Date(serverNow()).toISOString(),
      clientMsgId,
      status: 'pending',
      error: null,
    };
    store.set((state) => {
      const { conversation } = mergeMessages(state.conversations.get(partner) || emptyConversation(), [message]);
      return { conversations: mapWith(state.conversations, partner, conversation) };
    });
    outbox.set(clientMsgId, { partner, timer: null, inFlight: false });
    transmit(clientMsgId);
  }

  /** Sends a failed message again, with the same clientMsgId. */
  function retry(clientMsgId) {
    if (outbox.has(clientMsgId)) transmit(clientMsgId);
  }

  function transmit(clientMsgId) {
    const entry = outbox.get(clientMsgId);
    const conversation = store.get().conversations.get(entry.partner);
    const message = conversation && conversation.messages.find((m) => m.key === clientMsgId);
    if (!message) return;
    clearTimeout(entry.timer);
    store.set((state) => withMessage(state, entry.partner, clientMsgId, { status: 'pending', error: null }));
    const frame = { type: 'chat msg', receiver: message.receiver, message: message.message, clientMsgId };
    if (!socket || !socket.send(frame)) {
      fail(clientMsgId, 'Not sent: you are offline.');
      return;
    }
    entry.inFlight = true;
    entry.timer = setTimeout(() => fail(clientMsgId, 'Not sent: the server did not answer.'), ACK_TIMEOUT_MS);
  }

  function fail(clientMsgId, reason) {
    const entry = outbox.get(clientMsgId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = null;
    entry.inFlight = false;
    store.set((state) => withMessage(state, entry.partner, clientMsgId, { status: 'failed', error: reason }));
  }

  // ---- notices --------------------------------------------------------------------------------------------------

  function showNotice(text) {
    store.set({ notice: { id: ++noticeCount, text } });
  }

  function dismissNotice() {
    store.set({ notice: null });
  }

  /** The browser says the network is back, or the tab became visible: do not sit out the back-off. */
  function wake() {
    socket?.reconnectNow();
  }

  return {
    restoreSession, authenticate, logout, openConversation, closeConversation, loadOlder, loadHistory,
    send, retry, dismissNotice, wake,
  };
}
