// views/conversation.js: the open conversation: its header and its messages.
//
// Messages are bubbles (mine on the right), grouped into runs by sender, under day separators, newest at the
// bottom: first the stored ones (in seq order), then what is still in the outbox (a clock, or "Not sent" with
// Retry). Each is an <li data-testid="message"> with data-seq and data-id (once stored), data-sender and
// data-status (pending, sent or failed; delivered and read are the next issue's). A group's changes ("alice
// added bob") are centred notices, <li data-testid="system-message">. The header says who: the name
// (conversation-title) and, for a group, its members (conversation-subtitle; a direct chat's presence is the
// next issue's; while the connection is down it says `reconnecting…`). A group we were removed from stays readable, with a line where the composer was.
//
// Scrolling is the subtle part, handled in render():
//  - at the bottom (or just after sending), new messages keep the view at the bottom;
//  - scrolled up to read, the view stays where it is and a "jump to newest" button counts what arrived;
//  - near the top, older messages are fetched and put above, and the view is shifted by exactly their height
//    so the message being read does not move. (The browser's own scroll anchoring is turned off in styles.css,
//    to have one mechanism, not two.)

import { avatar, groupAvatar, h, reconcile } from './dom.js';
import { dayKey, dayLabel, formatFull, formatTime } from '../format.js';
import { entriesFor } from '../outbox.js';
import { emptyConversation, ownKey } from '../store.js';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 160;
const RUN_GAP_MS = 5 * 60 * 1000; // messages further apart than this start a new run

export function mountConversation(store, chat) {
  const app = document.getElementById('chat-view');
  const emptyPane = document.getElementById('chat-empty');
  const openPane = document.getElementById('chat-open');
  const title = document.getElementById('chat-title');
  const subtitle = document.getElementById('chat-subtitle');
  const headerAvatar = document.getElementById('chat-avatar');
  const list = document.getElementById('conversation');
  const back = document.getElementById('back');
  const jump = document.getElementById('jump');
  const jumpCount = document.getElementById('jump-count');
  const composer = document.getElementById('composer-form');
  const ended = document.getElementById('ended');

  let openId = null; // the conversation the list shows
  let headerKey = null; // what the header shows, to redraw it only when that changes
  const pendingViews = new WeakMap(); // outbox entry -> its message as the view draws it (same object each render)
  let nodes = new Map(); // message key -> { node, message }
  let days = new Map(); // day key -> separator node
  let edge = null; // the first <li>: loading / start of conversation / error
  let newestKey = null;
  let newestTs = ''; // the newest message's time at the last render: what is newer than that slides in
  let settled = false; // the first page has been shown; from now on new messages are animated
  let missed = 0; // messages that arrived while scrolled up

  const isNearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
  const scrollToBottom = () => { list.scrollTop = list.scrollHeight; };

  function setMissed(count) {
    missed = count;
    jumpCount.hidden = missed === 0;
    jumpCount.textContent = String(missed);
  }

  function updateJump() {
    const atBottom = isNearBottom();
    if (atBottom) setMissed(0);
    jump.hidden = atBottom;
  }

  // Whether the person is reading the newest messages. When the list changes size (a phone's keyboard opens,
  // the window is resized, the composer grows) a reader at the bottom stays at the bottom.
  let pinned = true;
  new ResizeObserver(() => {
    if (pinned) scrollToBottom();
  }).observe(list);

  list.addEventListener('scroll', () => {
    pinned = isNearBottom();
    updateJump();
    if (openId && list.scrollTop < NEAR_TOP_PX) chat.loadOlder(openId);
  }, { passive: true });

  jump.addEventListener('click', () => {
    scrollToBottom();
    updateJump();
    document.getElementById('composer').focus();
  });

  back.addEventListener('click', () => chat.closeConversation());
  openPane.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) chat.closeConversation();
  });

  /** An outbox entry drawn as a message of mine, with the same view key it keeps once stored. */
  function pendingView(entry, me) {
    let view = pendingViews.get(entry);
    if (!view) {
      view = {
        key: ownKey(me, entry.clientMsgId), id: null, seq: null, sender: me, message: entry.message, ts: entry.ts,
        clientMsgId: entry.clientMsgId, system: null, status: entry.status, error: entry.error,
      };
      pendingViews.set(entry, view);
    }
    return view;
  }

  // ---- building nodes -------------------------------------------------------------------------------------------

  function messageNode(message, me) {
    if (message.system) {
      return h('li', { class: 'system', 'data-testid': 'system-message', 'data-seq': message.seq, 'data-id': message.id },
        h('span', { class: 'system-text', text: message.message }));
    }
    const mine = message.sender === me;
    const node = h('li', { class: `message ${mine ? 'mine' : 'theirs'}`, 'data-testid': 'message' });
    fillMessage(node, message, mine);
    return node;
  }

  /** (Re)writes a message's attributes and content; the <li> itself is kept so its place in the list is too. */
  function fillMessage(node, message, mine) {
    node.setAttribute('data-sender', message.sender);
    node.setAttribute('data-status', message.status);
    if (message.id) node.setAttribute('data-id', message.id);
    else node.removeAttribute('data-id');
    if (message.seq) node.setAttribute('data-seq', String(message.seq));
    else node.removeAttribute('data-seq');

    const meta = h('span', { class: 'meta' },
      h('time', { datetime: message.ts, title: formatFull(message.ts), text: formatTime(message.ts) }),
      mine ? h('span', { class: `tick tick-${message.status}`, role: 'img', 'aria-label': statusWords(message.status) }) : null);
    const bubble = h('div', { class: 'bubble' },
      h('span', { class: 'sender', text: mine ? 'You' : message.sender }),
      h('p', { class: 'text', text: message.message }),
      meta);
    const failure = message.status === 'failed'
      ? h('div', { class: 'failure' },
        h('span', { class: 'failure-text', text: message.error || 'Not sent.' }),
        h('button', { type: 'button', class: 'button small retry', onclick: () => chat.retry(message.clientMsgId) }, 'Retry'),
        h('button', { type: 'button', class: 'button small discard', onclick: () => chat.discard(message.clientMsgId) }, 'Delete'))
      : null;
    node.replaceChildren(bubble, failure || '');
  }

  const STATUS_WORDS = new Map([['pending', 'Sending'], ['sent', 'Sent'], ['failed', 'Not sent']]);

  function statusWords(status) {
    return STATUS_WORDS.get(status) || status;
  }

  function daySeparator(key) {
    let node = days.get(key);
    if (!node) {
      node = h('li', { class: 'day' }, h('span', { class: 'day-label' }));
      days.set(key, node);
    }
    return node;
  }

  function edgeNode(conversation) {
    if (!edge) edge = h('li', { class: 'edge' });
    let content;
    if (conversation.error) {
      content = [
        h('span', { text: `Could not load the messages: ${conversation.error}` }),
        h('button', { type: 'button', class: 'button small', onclick: () => chat.loadHistory(openId) }, 'Try again'),
      ];
    } else if (!conversation.loaded || conversation.loadingOlder) {
      content = [h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { text: conversation.loaded ? 'Loading earlier messages…' : 'Loading messages…' })];
    } else if (!conversation.hasMore) {
      const name = conversation.name || 'them';
      const text = conversation.kind === 'group'
        ? `This is the start of the group ${name}.`
        : conversation.messages.length ? `This is the start of your conversation with ${name}.` : `No messages yet. Say hello to ${name}!`;
      content = [h('span', { text })];
    } else {
      content = [];
    }
    const signature = edge.dataset.signature;
    const next = [conversation.error, conversation.loaded, conversation.loadingOlder, conversation.hasMore,
      conversation.messages.length === 0, conversation.kind, conversation.name].join('\n');
    if (signature !== next) {
      edge.dataset.signature = next;
      edge.replaceChildren(...content);
      edge.hidden = content.length === 0;
    }
    return edge;
  }

  // ---- rendering ------------------------------------------------------------------------------------------------

  function showConversation(state) {
    openId = state.selected;
    nodes = new Map();
    days = new Map();
    edge = null;
    newestKey = null;
    newestTs = '';
    settled = false;
    headerKey = null;
    setMissed(0);
    list.replaceChildren();
  }

  /** Title, avatar and subtitle; for a group the subtitle lists its members by name, and me last, as "You". */
  function showHeader(state, conversation) {
    const names = conversation.kind === 'group'
      ? [...conversation.members.map((m) => m.username).filter((name) => name !== state.me).sort(),
        ...(conversation.members.some((m) => m.username === state.me) ? ['You'] : [])]
      : [];
    // Offline, the header says so instead: on a phone the connection status in the side panel is out of sight.
    const offline = state.connection !== 'online';
    const key = [conversation.kind, conversation.name, offline, ...names].join('\n');
    if (key === headerKey) return;
    headerKey = key;
    title.textContent = conversation.name || '…';
    headerAvatar.replaceChildren(conversation.kind === 'group' ? groupAvatar() : avatar(conversation.name || '?'));
    subtitle.textContent = offline ? 'reconnecting…' : names.join(', ');
    subtitle.title = subtitle.textContent;
    subtitle.classList.toggle('offline', offline);
  }

  function render(state, { switched }) {
    const conversation = state.conversations.get(openId) || emptyConversation(openId);
    showHeader(state, conversation);
    composer.hidden = conversation.ended;
    ended.hidden = !conversation.ended;
    const messages = [...conversation.messages, ...entriesFor(state.outbox, openId).map((e) => pendingView(e, state.me))];
    const wasNearBottom = isNearBottom();
    // The first message on screen before this render, and where it was: the anchor for prepending.
    const anchor = [...nodes.values()].find(({ node }) => node.isConnected)?.node;
    const anchorTop = anchor ? anchor.offsetTop : 0;
    const scrollTop = list.scrollTop;

    const children = [edgeNode(conversation)];
    const seen = new Set();
    let previous = null;
    let previousDay = null;
    for (const message of messages) {
      const day = dayKey(message.ts);
      if (day !== previousDay) {
        const separator = daySeparator(day);
        separator.firstChild.textContent = dayLabel(message.ts);
        children.push(separator);
      }
      let entry = nodes.get(message.key);
      const mine = message.sender === state.me;
      if (!entry) {
        entry = { node: messageNode(message, state.me), message };
        if (settled && message.ts >= newestTs) {
          // Slide in once; removed afterwards so a later re-fill (pending -> sent) does not replay it.
          entry.node.classList.add('enter');
          entry.node.addEventListener('animationend', () => entry.node.classList.remove('enter'), { once: true });
        }
        nodes.set(message.key, entry);
      } else if (entry.message !== message && !message.system) {
        fillMessage(entry.node, message, mine);
        entry.message = message;
      }
      const startsRun = !previous || previous.sender !== message.sender || day !== previousDay || Boolean(previous.system)
        || Date.parse(message.ts) - Date.parse(previous.ts) > RUN_GAP_MS;
      entry.node.classList.toggle('first-of-run', startsRun);
      children.push(entry.node);
      seen.add(message.key);
      previous = message;
      previousDay = day;
    }
    for (const key of nodes.keys()) if (!seen.has(key)) nodes.delete(key);
    reconcile(list, children);

    const newest = messages[messages.length - 1];
    const newArrived = newest && newest.key !== newestKey;
    const iJustSent = newArrived && newest.sender === state.me && newest.status === 'pending';
    if (switched || wasNearBottom || iJustSent) {
      scrollToBottom();
    } else {
      if (anchor && anchor.isConnected) list.scrollTop = scrollTop + (anchor.offsetTop - anchorTop);
      if (newArrived && newest.sender !== state.me) setMissed(missed + 1);
    }
    newestKey = newest ? newest.key : null;
    newestTs = newest ? newest.ts : '';
    pinned = isNearBottom();
    settled = settled || conversation.loaded;
    updateJump();

    // A first page shorter than the screen leaves nothing to scroll: ask for more right away.
    if (conversation.loaded && conversation.hasMore && list.scrollHeight <= list.clientHeight) chat.loadOlder(openId);
  }

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      openId = null;
      return;
    }
    app.dataset.pane = state.selected ? 'chat' : 'list';
    emptyPane.hidden = Boolean(state.selected);
    openPane.hidden = !state.selected;
    if (!state.selected) {
      if (openId) {
        const previous = openId;
        openId = null;
        list.replaceChildren();
        document.querySelector(`[data-testid="conversation-item"][data-conversation="${CSS.escape(previous)}"]`)?.focus();
      }
      return;
    }
    const switched = state.selected !== openId;
    if (switched) showConversation(state);
    if (switched || state.conversations !== prev.conversations || state.outbox !== prev.outbox || state.me !== prev.me
        || state.connection !== prev.connection) {
      render(state, { switched });
    }
    if (switched) document.getElementById('composer').focus({ preventScroll: true });
  });
}
