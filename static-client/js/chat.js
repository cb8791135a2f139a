// chat.js: what the client does, as opposed to what it shows. Views call these actions; they change the store.
// It wires the parts together: the socket (socket.js), catching up (sync.js), history pages (history.js),
// groups (groups.js) and sending (sender.js, over outbox.js); the rules themselves are store.js's pure functions.
//
// A message's life on this side, in order (sender.js does 1 and 2):
//  1. send(): it joins the outbox as `pending` (a clock), is saved in localStorage, and goes on the WebSocket
//     if it is open. Offline, it simply waits: nothing to click.
//  2. The server stores it and answers `ack` with its id and seq: the message leaves the outbox and joins the
//     conversation as `sent`, in the same bubble (same view key). No ack in time, or the socket closed: it is
//     sent again on the next open, with the same clientMsgId, which the server never stores twice. An `error`
//     frame naming it fails it (Retry) unless the error is a "not now" (outbox.js, isTransient).
//  3. The other members' browsers (and our own other tabs) get a `chat msg` frame and merge it by seq.
//
// Receipts: what this device received (live or by catching up) is told to the server as `delivered`, at most
// about once a second per conversation (delivered.js); what is on screen in a visible tab is read: the client
// sends `{"type":"read",conversation,seq}` and clears the badge. The server sends a `receipt` with a member's
// marks to every member's connections: from the other members' receipts come the ticks on my messages
// (store.js keeps the marks on the members, receipts.js turns them into sent / delivered / read), and from my
// own, sent because another tab of mine read, this tab's badges and title clear. A receipt means "the marks
// are at least this": it may come late and carry only the latest of several moves, so it is applied with max.
//
// Typing: the composer calls typing() as the person types; one `typing` frame goes at most every 3 s per
// conversation. Other members' `typing` frames are kept in state.typing for 5 s (typing.js) and shown under the
// title and in the list; a message from the typist ends theirs at once.
//
// Presence: the client watches the other person of each direct conversation in the list and the members of the
// open conversation (presence.js, watchList): a `watch` frame on every (re)connect, the server's contacts being
// computed then, and again, debounced, whenever that set changes. `presence` frames land in state.presence; the
// header and the list show them.
//
// Notifications and mute: live messages from others go to notifications.js, which shows a desktop notification
// when the page is hidden or shows another conversation (never for a muted one; the rules are there). Muting is
// my membership's setting on the server (PUT /api/conversations/{id}/mute): set here at once, and put back if
// the server refuses; my other devices hear it from a `mute` frame, or from their next conversation list.

import { api } from './api.js';
import { ChatSocket } from './socket.js';
import { webSocketUrl } from './config.js';
import { createSync } from './sync.js';
import { createHistory } from './history.js';
import { createGroups } from './groups.js';
import { createSender } from './sender.js';
import { createDeliveredMarks } from './delivered.js';
import { createWatch, watchList, withPresence } from './presence.js';
import { createNotifier } from './notifications.js';
import { expireTyping, nextExpiry, typingDue, withoutTyping, withTyping } from './typing.js';
import {
  directWith, emptyConversation, fromServer, initialState, isMessage, mapWithout, withConversation,
  withDetails, withMemberMarks, withReadSeq, withServerMessages,
} from './store.js';

const USERS_REFRESH_MS = 5000; // new sign-ups show in the directory within seconds
const SELECTION_KEY = 'chitchat.selected';
// Who was last logged in on this browser, so that a reload while the server is down (the offline shell, sw.js)
// can show that person's chat screen, reconnecting, instead of a log-in page the cookie does not call for.
const LAST_USER_KEY = 'chitchat.user';

export function createChat(store, config) {
  const wsUrl = webSocketUrl(config);
  let socket = null;
  let usersTimer = null;
  let noticeCount = 0;
  const fetchingDetails = new Set(); // conversation ids whose GET /api/conversations/{id} is under way
  const unsentReads = new Map(); // conversation id -> seq: read marks the socket could not take yet
  // Bumped when a session starts or ends, so an answer that arrives after logging out changes nothing.
  let generation = 0;
  let reopened = false; // whether this session's socket has opened before: the first open needs no second user list
  let openOnConnect = null; // a conversation to reopen once an offline start reaches the server
  const session = () => generation;

  const sync = createSync({ store, api, merge, session, handleFailure, onGone, onList });
  const history = createHistory({
    store, api, merge, session, handleFailure, showNotice, onGone, onGap: (id) => sync.catchUpConversation(id),
  });
  const groups = createGroups({ store, api, handleFailure, showNotice, open: openConversation });
  const sender = createSender({ store, socket: () => socket, merge, showNotice });
  const delivered = createDeliveredMarks({ send: (frame) => Boolean(socket && socket.send(frame)) });
  const typingSentAt = new Map(); // conversation id -> when my last `typing` frame for it went (ms)
  let typingTimer = null; // drops typists whose 5 s ran out
  const watch = createWatch({ send: (frame) => Boolean(socket && socket.send(frame)) });
  const notifier = createNotifier({ store, open: (id) => openConversation(id) });
  const muting = new Map(); // conversation id -> the muted value of my latest PUT, while it is under way
  // Whom to watch follows the list and the selection; createWatch sends only when the set really changed.
  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') return;
    if (state.conversations !== prev.conversations || state.selected !== prev.selected || state.me !== prev.me) {
      watch.want(watchList(state.conversations, state.selected, state.me));
    }
  });

  // ---- session --------------------------------------------------------------------------------------------------

  /**
   * On page load: a valid cookie means we are still logged in. When the server cannot be reached (no answer, or
   * a 5xx from a proxy whose service is down) the cookie's verdict is unknown: if someone was logged in on this
   * browser, their chat screen shows, `reconnecting`, and the socket's checks before each attempt (me() in
   * beforeReconnect) decide once the server answers: the session goes on, or a 401 ends it on the log-in page.
   */
  async function restoreSession() {
    try {
      const { username } = await api.me();
      startSession(username);
    } catch (error) {
      const last = localStorage.getItem(LAST_USER_KEY);
      if (last && (error.status === 0 || error.status >= 500)) {
        startSession(last, { offline: true });
        return;
      }
      if (error.status === 401) localStorage.removeItem(LAST_USER_KEY);
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

  /**
   * `offline`: the server could not say who we are (restoreSession). The screen is the one of a session that
   * lost its connection, `reconnecting`, since it is one: this browser's session, from before the reload. The
   * first open then fetches the user list again (startSession's own attempt failed) and reopens the conversation
   * the tab had open, whose history could not load before.
   */
  function startSession(username, { offline = false } = {}) {
    generation += 1;
    reopened = offline;
    localStorage.setItem(LAST_USER_KEY, username);
    // What an earlier page of this user left unsent is shown again, pending, and goes once the socket opens.
    store.set({
      ...initialState(), phase: 'chat', me: username, outbox: sender.start(username),
      connection: offline ? 'reconnecting' : 'connecting',
    });
    notifier.start(username);
    socket = new ChatSocket(wsUrl, { onOpen, onFrame, onClose, beforeReconnect });
    // Offline, the cookie was never checked: the socket asks me() first, as it does before every retry.
    socket.start({ checkFirst: offline });
    sync.catchUp(); // the list, even before (or without) a socket
    loadUsers();
    usersTimer = setInterval(() => {
      if (document.visibilityState === 'visible') loadUsers();
    }, USERS_REFRESH_MS);
    const remembered = sessionStorage.getItem(SELECTION_KEY);
    openOnConnect = offline ? remembered : null;
    if (remembered && !offline) openConversation(remembered);
  }

  function endSession(reason) {
    generation += 1;
    socket?.stop();
    socket = null;
    sender.stop();
    clearInterval(usersTimer);
    unsentReads.clear();
    fetchingDetails.clear();
    delivered.stop();
    typingSentAt.clear();
    clearTimeout(typingTimer);
    watch.stop();
    notifier.stop();
    muting.clear();
    sessionStorage.removeItem(SELECTION_KEY);
    localStorage.removeItem(LAST_USER_KEY);
    openOnConnect = null;
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
    const current = generation;
    try {
      const list = await api.users();
      if (current !== generation || !Array.isArray(list)) return;
      const named = list.filter((user) => user && typeof user.username === 'string');
      const users = named.filter((user) => user.deleted !== true).map((user) => user.username).sort();
      const deleted = named.filter((user) => user.deleted === true).map((user) => user.username).sort();
      store.set((state) => {
        const change = state.usersLoaded ? {} : { usersLoaded: true };
        if (!sameList(users, state.users)) change.users = users;
        if (!sameList(deleted, state.deleted)) change.deleted = deleted;
        return Object.keys(change).length ? change : null;
      });
    } catch (error) {
      if (current === generation) handleFailure(error);
    }
  }

  // ---- the socket -----------------------------------------------------------------------------------------------

  function onOpen() {
    store.set({ connection: 'online' });
    sender.flush();
    for (const [conversation, seq] of unsentReads) socket.send({ type: 'read', conversation, seq });
    unsentReads.clear();
    delivered.flush();
    // A new connection watches nobody; and whoever became a contact while we were away is one now.
    const state = store.get();
    watch.want(watchList(state.conversations, state.selected, state.me));
    watch.connected();
    sync.catchUp();
    // After a reconnect, whoever signed up meanwhile; on the first open, startSession has just asked.
    if (reopened) loadUsers();
    reopened = true;
    if (openOnConnect) {
      const id = openOnConnect;
      openOnConnect = null;
      if (!store.get().selected) openConversation(id);
    }
  }

  function onClose() {
    store.set({ connection: 'reconnecting', presence: new Map() });
    sender.connectionLost();
  }

  /** Before each reconnect: still logged in? A refused handshake looks just like a network error otherwise. */
  async function beforeReconnect() {
    try {
      const { username } = await api.me();
      if (username !== store.get().me) {
        // The cookie is someone else's now (logged in as another person in another tab, or after an offline
        // start): their session, not a reconnect of this one. endSession stops this socket, hence false.
        endSession(null);
        startSession(username);
        return false;
      }
      return true;
    } catch (error) {
      return !handleFailure(error);
    }
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'chat msg':
        if (isMessage(frame)) receiveLive(fromServer(frame));
        break;
      case 'ack':
        sender.acknowledged(frame);
        break;
      case 'error':
        // About one of our messages: the sender handles it. Anything else is told to the person.
        if (!sender.rejected(frame)) {
          showNotice(typeof frame.message === 'string' && frame.message ? frame.message : 'The server refused a request.');
        }
        break;
      case 'receipt':
        receipt(frame);
        break;
      case 'typing':
        someoneTyping(frame);
        break;
      case 'presence':
        store.set((state) => {
          const presence = withPresence(state.presence, frame);
          return presence === state.presence ? null : { presence };
        });
        break;
      case 'mute':
        // I muted or unmuted it on another device (or tab): the server tells only my own connections.
        if (typeof frame.conversation === 'string' && typeof frame.muted === 'boolean' && !muting.has(frame.conversation)) {
          store.set((state) => (state.conversations.has(frame.conversation)
            ? withConversation(state, frame.conversation, (c) => (c.muted === frame.muted ? c : { ...c, muted: frame.muted }))
            : null));
        }
        break;
      case 'resync':
        sync.catchUp();
        // Presence changes lost while the broker was away are not sent again: the next watch gets the state.
        watch.connected();
        break;
      default:
        break; // what a newer server sends: ignoring it keeps old tabs working
    }
  }

  // ---- receiving ------------------------------------------------------------------------------------------------

  /**
   * Server messages into the store (live, catch-up or history). Our own that were in the outbox leave it;
   * conversations we never heard of are fetched; people we did not know refresh the directory; live messages
   * from others are read out to screen readers. Then whatever is on screen is marked read.
   */
  function merge(rawMessages, { live }) {
    const messages = rawMessages.filter(isMessage).map(fromServer);
    if (messages.length === 0) return;
    let result = null;
    store.set((state) => {
      result = withServerMessages(state, messages);
      return result.patch;
    });
    const state = store.get();
    for (const message of messages) {
      if (message.sender === state.me && message.clientMsgId) sender.settled(message.clientMsgId);
    }
    for (const id of result.unknown) fetchDetails(id);
    // A stranger wrote, or someone left (perhaps because their account was deleted): the directory may be stale.
    if (messages.some((m) => m.sender !== state.me && (m.system ? m.system.action === 'left' : !state.users.includes(m.sender)))) loadUsers();
    const fromOthers = result.added.filter((m) => m.sender !== state.me);
    if (live) notifier.messagesArrived(fromOthers);
    // A muted conversation is not read out either (muting is about interruptions), unless it is the open one.
    const spoken = fromOthers.filter((m) => m.conversation === state.selected || !state.conversations.get(m.conversation)?.muted);
    if (live && spoken.length > 0) {
      const last = spoken[spoken.length - 1];
      const where = state.conversations.get(last.conversation);
      const text = last.system ? last.message
        : where && where.kind === 'group' ? `${last.sender} in ${where.name}: ${last.message}` : `New message from ${last.sender}: ${last.message}`;
      store.set({ announcement: { id: ++noticeCount, text } });
    }
    markReadIfSeen();
    // After reading: what was just read needs no `delivered` of its own (the read mark raises both).
    receivedFromOthers(messages, store.get());
  }

  /**
   * Messages of other people reached this device: the server hears `delivered` (coalesced, the highest seq per
   * conversation), and whoever wrote one is no longer typing there. My own messages alone need no `delivered`:
   * sending already raised my marks on the server.
   */
  function receivedFromOthers(messages, state) {
    const highest = new Map();
    for (const message of messages) {
      if (message.sender === state.me) continue;
      if (message.seq > (highest.get(message.conversation) || 0)) highest.set(message.conversation, message.seq);
    }
    for (const [conversation, seq] of highest) {
      const held = state.conversations.get(conversation);
      if (held && !held.ended && seq > held.readSeq) delivered.received(conversation, seq);
    }
    store.set((s) => {
      let typing = s.typing;
      for (const message of messages) typing = withoutTyping(typing, message.conversation, message.sender);
      return typing === s.typing ? null : { typing };
    });
  }

  /**
   * The conversation list arrived (a catch-up): each Summary's last message is on this device now, shown as the
   * preview with its badge, so it counts as delivered, though the messages before it are fetched only when the
   * conversation is opened. That is what the sender's second tick means in messengers: it reached the phone.
   * Only where it is unread: a read mark raised the delivered mark with it, and a reload must not send one
   * frame per conversation for nothing.
   */
  function onList(summaries) {
    const messages = summaries
      .filter((summary) => summary && summary.lastMessage && summary.lastMessage.seq > (Number(summary.readSeq) || 0))
      .map((summary) => summary.lastMessage).filter(isMessage).map(fromServer);
    receivedFromOthers(messages, store.get());
  }

  /**
   * One `chat msg` frame. If it leaves a hole behind it in a conversation we hold, fill the hole; unless a gap is
   * already being re-checked there (sync.js asks again within 3 s, for everything after it): else, in a busy
   * group, every message during a gap's 30 s would be a request.
   */
  function receiveLive(message) {
    merge([message], { live: true });
    const conversation = store.get().conversations.get(message.conversation);
    if (conversation && conversation.loaded && !conversation.gap && conversation.syncedSeq < message.seq) {
      sync.catchUpConversation(conversation.id);
    }
  }

  /** A conversation we did not know (a new group, or the first message of a direct one): its details. */
  async function fetchDetails(id) {
    if (fetchingDetails.has(id)) return;
    fetchingDetails.add(id);
    const current = generation;
    try {
      const details = await api.conversation(id);
      if (current !== generation) return;
      store.set((state) => withConversation(state, id, (c) => withDetails(c, details, state.me)));
      markReadIfSeen();
    } catch (error) {
      if (current === generation && !handleFailure(error) && error.status === 404) onGone(id);
    } finally {
      fetchingDetails.delete(id);
    }
  }

  /**
   * The server says a conversation does not exist for us (we were removed from the group). Open, and known: it
   * stays on screen, ended, read-only. Otherwise it goes (a remembered selection after a reload, say).
   */
  function onGone(id) {
    store.set((state) => {
      const conversation = state.conversations.get(id);
      if (state.selected === id && conversation && conversation.known) {
        return withConversation(state, id, { ended: true, loading: false, loaded: true, hasMore: false });
      }
      return { conversations: mapWithout(state.conversations, id), selected: state.selected === id ? null : state.selected };
    });
    if (store.get().selected === null) sessionStorage.removeItem(SELECTION_KEY);
    // What waits to be sent there never can be: it would only sit in localStorage for good.
    for (const entry of store.get().outbox.values()) if (entry.conversation === id) sender.settled(entry.clientMsgId);
  }

  function receipt(frame) {
    if (typeof frame.conversation !== 'string' || typeof frame.user !== 'string') return;
    store.set((state) => {
      if (!state.conversations.has(frame.conversation)) return null;
      return withConversation(state, frame.conversation, (c) => {
        const marked = withMemberMarks(c, frame.user, frame.readSeq, frame.deliveredSeq);
        // Mine: another tab of ours read it, so our badge (and the tab title's count) goes too.
        return frame.user === state.me ? withReadSeq(marked, frame.readSeq) : marked;
      });
    });
    if (frame.user === store.get().me && Number.isInteger(frame.readSeq)) {
      delivered.read(frame.conversation, frame.readSeq);
      notifier.read(frame.conversation);
    }
  }

  // ---- typing ---------------------------------------------------------------------------------------------------

  /** Someone else's `typing` frame: shown for 5 s from now, unless renewed. */
  function someoneTyping(frame) {
    if (typeof frame.conversation !== 'string' || typeof frame.user !== 'string') return;
    const state = store.get();
    if (frame.user === state.me || !state.conversations.has(frame.conversation)) return;
    store.set((s) => ({ typing: withTyping(s.typing, frame.conversation, frame.user, Date.now()) }));
    expireTypingLater();
  }

  /** One timer for the next typist to run out; each run drops what ran out and sets the next. */
  function expireTypingLater() {
    clearTimeout(typingTimer);
    const at = nextExpiry(store.get().typing);
    if (at === null) return;
    typingTimer = setTimeout(() => {
      store.set((s) => {
        const typing = expireTyping(s.typing, Date.now());
        return typing === s.typing ? null : { typing };
      });
      expireTypingLater();
    }, Math.max(0, at - Date.now()) + 10);
  }

  /** The person is typing in `id` (the composer calls this on input): a `typing` frame, at most every 3 s. */
  function typing(id) {
    const conversation = store.get().conversations.get(id);
    if (!conversation || conversation.ended || !socket) return;
    const now = Date.now();
    if (!typingDue(typingSentAt.get(id), now)) return;
    // Offline it is simply not said: typing is of the moment, nothing to send later.
    if (socket.send({ type: 'typing', conversation: id })) typingSentAt.set(id, now);
  }

  /** A message went: the next keystroke may say "typing" again at once, as it is a new message being typed. */
  function typingEnded(id) {
    typingSentAt.delete(id);
  }

  // ---- reading --------------------------------------------------------------------------------------------------

  /**
   * What the person sees is read: the open conversation, in a visible tab. Sets readSeq (the badge goes) and
   * tells the server, which tells our other tabs. Called after anything that may have changed what is seen.
   */
  function markReadIfSeen() {
    const state = store.get();
    if (state.phase !== 'chat' || !state.selected || document.visibilityState !== 'visible') return;
    const conversation = state.conversations.get(state.selected);
    if (!conversation || conversation.ended || conversation.lastSeq <= conversation.readSeq) return;
    const seq = conversation.lastSeq;
    store.set((s) => withConversation(s, conversation.id, (c) => withReadSeq(c, seq)));
    notifier.read(conversation.id);
    const frame = { type: 'read', conversation: conversation.id, seq };
    if (!socket || !socket.send(frame)) unsentReads.set(conversation.id, seq);
    else delivered.read(conversation.id, seq);
  }

  // ---- conversations --------------------------------------------------------------------------------------------

  function openConversation(id) {
    store.set({ selected: id, panel: null });
    sessionStorage.setItem(SELECTION_KEY, id);
    const conversation = store.get().conversations.get(id);
    // The list's Summaries name the members but not their roles nor their marks: the member panel needs the
    // roles, the ticks the marks (after a reload, receipts sent while the page was away are not replayed).
    fetchDetails(id);
    if (!conversation || (!conversation.loaded && !conversation.loading)) history.loadNewest(id);
    markReadIfSeen();
  }

  /** A person from the directory: the direct conversation with them, asked of the server the first time. */
  async function openDirect(username) {
    const known = directWith(store.get().conversations, username);
    if (known) {
      openConversation(known.id);
      return;
    }
    const current = generation;
    try {
      const details = await api.direct(username);
      if (current !== generation) return;
      store.set((state) => withConversation(state, details.id,
        (c) => withDetails(c.known ? c : { ...emptyConversation(details.id) }, details, state.me)));
      openConversation(details.id);
    } catch (error) {
      if (current === generation && !handleFailure(error)) showNotice(error.message);
    }
  }

  function closeConversation() {
    store.set({ selected: null, panel: null });
    sessionStorage.removeItem(SELECTION_KEY);
  }

  /** Which panel covers part of the screen: 'new-group', 'account', 'members', 'add-member', or null. */
  function showPanel(panel) {
    store.set({ panel });
  }

  // ---- the account ----------------------------------------------------------------------------------------------

  /**
   * Changes my password: every other session of mine ends, this one goes on (the server sets a fresh cookie).
   * Resolves to null when done, or to the words to show (a wrong current password, throttled, the server down).
   */
  async function changePassword(current, next) {
    try {
      await api.changePassword(current, next);
      return null;
    } catch (error) {
      if (error.code !== 'wrong_password' && handleFailure(error)) return null;
      return error.message;
    }
  }

  /** "Log out everywhere": every session of mine ends, this one too; back to the log-in page. */
  async function logoutEverywhere() {
    try {
      await api.logoutAll();
    } catch (error) {
      if (!handleFailure(error)) return error.message;
      return null;
    }
    endSession('You were logged out everywhere.');
    return null;
  }

  /** Deletes my account for good; back to the log-in page. Resolves to the words to show when it was refused. */
  async function deleteAccount(password) {
    try {
      await api.deleteAccount(password);
    } catch (error) {
      if (error.code !== 'wrong_password' && handleFailure(error)) return null;
      return error.message;
    }
    endSession('Your account was deleted.');
    return null;
  }

  // ---- notifications and mute ----------------------------------------------------------------------------------

  /**
   * Mutes or unmutes a conversation (the header's toggle). Shown at once; the server's answer has the last word,
   * and a refusal puts it back. A second click before the first answer wins: only the latest answer is applied.
   */
  async function setMuted(id, muted) {
    const conversation = store.get().conversations.get(id);
    if (!conversation || conversation.ended) return;
    const before = conversation.muted;
    muting.set(id, muted);
    store.set((state) => withConversation(state, id, { muted }));
    const current = generation;
    try {
      const details = await api.mute(id, muted);
      if (current !== generation || muting.get(id) !== muted) return;
      muting.delete(id);
      store.set((state) => withConversation(state, id, (c) => withDetails(c, details, state.me)));
    } catch (error) {
      if (current !== generation || muting.get(id) !== muted) return;
      muting.delete(id);
      if (handleFailure(error)) return;
      store.set((state) => withConversation(state, id, { muted: before }));
      if (error.status === 404) onGone(id);
      else showNotice(error.message);
    }
  }

  /** The sidebar's "Enable notifications" toggle: asks for permission on this click, the first time. */
  async function toggleNotifications() {
    const { permission, enabled } = await notifier.toggle();
    if (permission === 'denied') {
      showNotice('Notifications are blocked for this site. Allow them in the browser\'s site settings, then try again.');
    } else if (permission === 'unsupported') {
      showNotice('This browser cannot show notifications for this page.');
    }
    return enabled;
  }

  // ---- notices --------------------------------------------------------------------------------------------------

  function showNotice(text) {
    store.set({ notice: { id: ++noticeCount, text } });
  }

  function dismissNotice() {
    store.set({ notice: null });
  }

  /** The browser says the network is back, or the tab became visible: do not sit out the back-off; read. */
  function wake() {
    socket?.reconnectNow();
    notifier.refresh(); // permission may have been changed in the browser's settings meanwhile
    markReadIfSeen();
  }

  return {
    restoreSession, authenticate, logout,
    openConversation, openDirect, closeConversation, showPanel,
    loadOlder: history.loadOlder, loadHistory: history.loadNewest,
    send: (id, text) => { typingEnded(id); sender.send(id, text); }, retry: sender.retry, typing, discard: sender.settled, dismissNotice, wake,
    createGroup: groups.create, addMember: groups.addMember, removeMember: groups.removeMember,
    setRole: groups.setRole, leave: groups.leave,
    setMuted, toggleNotifications,
    changePassword, logoutEverywhere, deleteAccount,
  };
}

function sameList(a, b) {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
