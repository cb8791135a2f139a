// notifications.js: desktop notifications (the browser's Notification API) for messages that arrive while
// nobody is looking.
//
// Two halves. The pure one decides: `shouldNotify` (does this message deserve a notification?) and
// `notificationFor` (what it says), with no DOM, no clock and no Notification object, so Node tests it
// (static-client/test/notifications.test.js). The other, `createNotifier`, is the browser glue: the permission,
// the person's own on/off choice, and showing and closing notifications.
//
// The rules, in the order shouldNotify checks them:
//  - only with the browser's permission granted and the person's toggle on. Permission is asked for only when the
//    person clicks "Enable notifications" (askPermission): browsers ignore or penalise a prompt on load, and a
//    prompt nobody asked for is how a site gets "Block" for good;
//  - never for my own messages (they come back to my other tabs and devices too);
//  - never in a muted conversation (its badge still counts, as in WhatsApp: muting is about interruptions);
//  - never for the open conversation while the page is visible: it is on screen already;
//  - never for what is already read (another device of mine read it first);
//  - group changes (system messages) only when they bring me in: the group was created with me in it, or I was
//    added. That is news that needs me (a conversation I had not got); the rest (someone joined, left, a new
//    name) shows in the list and can wait. Being removed is not notified: there is nothing left to open.
// A conversation's notifications share one tag (its id), so a burst of messages replaces one notification
// instead of piling up, and reading the conversation (here or on another device) closes it.
//
// Keys from the server or from people (conversation ids, usernames) are only ever used in a Map, never as a plain
// object's property names: `constructor` and `__proto__` are valid usernames (see the top of store.js).

const BODY_MAX = 160; // a notification shows a few lines; a long message is cut with an ellipsis
const PREFERENCE_KEY = 'chitchat.notifications.'; // + username: 'on' or 'off', per person on this browser

/**
 * Whether `message` (as store.js keeps it) should show a desktop notification.
 *
 * context: {
 *   me:           my username;
 *   conversation: the conversation as the store holds it after the message was merged (null if unknown);
 *   selected:     the open conversation's id, or null;
 *   visible:      document.visibilityState === 'visible';
 *   permission:   Notification.permission ('granted', 'denied', 'default') or 'unsupported';
 *   enabled:      the person's own toggle.
 * }
 */
export function shouldNotify(message, context) {
  const { me, conversation, selected, visible, permission, enabled } = context;
  if (permission !== 'granted' || !enabled) return false;
  if (!message || message.sender === me) return false;
  if (conversation && (conversation.muted || conversation.ended)) return false;
  if (visible && selected === message.conversation) return false;
  if (conversation && Number.isInteger(message.seq) && message.seq <= conversation.readSeq) return false;
  if (message.system) return bringsMeIn(message.system, me);
  return true;
}

/** A group change that makes me a member: a group created with me in it, or I was added. */
function bringsMeIn(system, me) {
  if (system.action === 'created') return system.actor !== me;
  if (system.action === 'added') return system.target === me && system.actor !== me;
  return false;
}

/**
 * What the notification says: `{ title, body, tag }`. The title names where (the group, or the other person of a
 * direct conversation), the body who and what ("bob: see you", or just the text in a direct conversation, whose
 * title is already the sender). `tag` is the conversation id: one notification per conversation at a time.
 */
export function notificationFor(message, conversation) {
  const group = conversation ? conversation.kind === 'group' : !message.receiver;
  const groupName = (conversation && conversation.name) || (message.system && message.system.name) || '';
  let title;
  let body;
  if (message.system) {
    title = groupName || 'Chit-Chat';
    body = message.message;
  } else if (group) {
    title = groupName || 'New group';
    body = `${message.sender}: ${message.message}`;
  } else {
    title = message.sender;
    body = message.message;
  }
  return { title, body: shorten(body), tag: message.conversation };
}

function shorten(text) {
  const chars = [...String(text)];
  return chars.length <= BODY_MAX ? chars.join('') : `${chars.slice(0, BODY_MAX - 1).join('').trimEnd()}…`;
}

/** Notification.permission, or 'unsupported' where the API is missing (some mobile browsers, insecure origins). */
export function currentPermission(global = globalThis) {
  const api = global.Notification;
  return typeof api === 'function' && typeof api.permission === 'string' ? api.permission : 'unsupported';
}

/**
 * The browser glue. `store` holds `notifications: { permission, enabled }` for the views; `open(id)` opens a
 * conversation (chat.openConversation). The choice is remembered in localStorage per user, defaulting to on once
 * permission is granted: granting it was the person asking for notifications.
 */
export function createNotifier({ store, open }) {
  const shown = new Map(); // conversation id -> the Notification showing for it
  let me = null;

  function preference() {
    if (!me) return false;
    return localStorage.getItem(PREFERENCE_KEY + me) !== 'off';
  }

  function refresh() {
    const permission = currentPermission();
    const enabled = permission === 'granted' && preference();
    const current = store.get().notifications;
    if (current && current.permission === permission && current.enabled === enabled) return;
    store.set({ notifications: { permission, enabled } });
  }

  /** A session started (or ended: null). */
  function start(username) {
    me = username;
    refresh();
  }

  function stop() {
    for (const notification of shown.values()) notification.close();
    shown.clear();
    me = null;
  }

  /**
   * The person clicked the toggle: asks for permission the first time (this is the only place it is asked, and
   * always from a click), else turns notifications on or off. Resolves to the new state.
   */
  async function toggle() {
    if (!me) return store.get().notifications;
    let permission = currentPermission();
    if (permission === 'default') {
      try {
        permission = await globalThis.Notification.requestPermission();
      } catch {
        permission = currentPermission();
      }
      if (permission === 'granted') localStorage.setItem(PREFERENCE_KEY + me, 'on');
    } else if (permission === 'granted') {
      // Flips what the toggle showed: the permission may have been granted in the browser's settings since.
      localStorage.setItem(PREFERENCE_KEY + me, store.get().notifications.enabled ? 'off' : 'on');
    }
    refresh();
    return store.get().notifications;
  }

  /** Live messages that just reached the store: a notification for each that deserves one (the newest wins its tag). */
  function messagesArrived(messages) {
    refresh(); // the permission may have been changed in the browser's settings since
    const state = store.get();
    const { permission, enabled } = state.notifications;
    const visible = document.visibilityState === 'visible';
    for (const message of messages) {
      const conversation = state.conversations.get(message.conversation) || null;
      if (!shouldNotify(message, { me: state.me, conversation, selected: state.selected, visible, permission, enabled })) continue;
      show(message, conversation);
    }
  }

  function show(message, conversation) {
    const { title, body, tag } = notificationFor(message, conversation);
    let notification;
    try {
      notification = new Notification(title, { body, tag, icon: 'favicon.svg', renotify: true });
    } catch {
      return; // Chrome on Android allows only service-worker notifications: none, rather than an error
    }
    shown.get(tag)?.close();
    shown.set(tag, notification);
    notification.onclick = () => {
      window.focus();
      open(message.conversation);
      notification.close();
    };
    notification.onclose = () => {
      if (shown.get(tag) === notification) shown.delete(tag);
    };
  }

  /** A conversation was read (here or on another device): its notification is stale. */
  function read(conversationId) {
    const notification = shown.get(conversationId);
    if (!notification) return;
    shown.delete(conversationId);
    notification.close();
  }

  return { start, stop, toggle, refresh, messagesArrived, read };
}
