// views/conversation.js: the open conversation: its header and its messages.
//
// Messages are bubbles (mine on the right), grouped into runs by sender, under day separators, newest at the
// bottom. Each is an <li data-testid="message"> with data-id (once the server gave one), data-sender and
// data-status (pending, sent or failed); a failed one says why and has a Retry button.
//
// Scrolling is the subtle part, handled in render():
//  - at the bottom (or just after sending), new messages keep the view at the bottom;
//  - scrolled up to read, the view stays where it is and a "jump to newest" button counts what arrived;
//  - near the top, older messages are fetched and put above, and the view is shifted by exactly their height
//    so the message being read does not move. (The browser's own scroll anchoring is turned off in styles.css,
//    to have one mechanism, not two.)

import { avatar, h, reconcile } from './dom.js';
import { dayKey, dayLabel, formatFull, formatTime } from '../format.js';

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

  let partner = null; // whose conversation the list shows
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
    if (partner && list.scrollTop < NEAR_TOP_PX) chat.loadOlder(partner);
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

  // ---- building nodes -------------------------------------------------------------------------------------------

  function messageNode(message, me) {
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
        h('button', { type: 'button', class: 'button small retry', onclick: () => chat.retry(message.clientMsgId) }, 'Retry'))
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
        h('button', { type: 'button', class: 'button small', onclick: () => chat.loadHistory(partner) }, 'Try again'),
      ];
    } else if (!conversation.loaded || conversation.loadingOlder) {
      content = [h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { text: conversation.loaded ? 'Loading earlier messages…' : 'Loading messages…' })];
    } else if (!conversation.hasMore) {
      content = [h('span', { text: conversation.messages.length ? `This is the start of your conversation with ${partner}.` : `No messages yet. Say hello to ${partner}!` })];
    } else {
      content = [];
    }
    const signature = edge.dataset.signature;
    const next = `${conversation.error}|${conversation.loaded}|${conversation.loadingOlder}|${conversation.hasMore}|${conversation.messages.length === 0}`;
    if (signature !== next) {
      edge.dataset.signature = next;
      edge.replaceChildren(...content);
      edge.hidden = content.length === 0;
    }
    return edge;
  }

  // ---- rendering ------------------------------------------------------------------------------------------------

  function showConversation(state) {
    partner = state.selected;
    nodes = new Map();
    days = new Map();
    edge = null;
    newestKey = null;
    newestTs = '';
    settled = false;
    setMissed(0);
    list.replaceChildren();
    title.textContent = partner;
    headerAvatar.replaceChildren(avatar(partner));
  }

  function render(state, { switched }) {
    const conversation = state.conversations.get(partner) || { messages: [], loaded: false, loadingOlder: false, hasMore: true, error: null };
    const wasNearBottom = isNearBottom();
    // The first message on screen before this render, and where it was: the anchor for prepending.
    const anchor = [...nodes.values()].find(({ node }) => node.isConnected)?.node;
    const anchorTop = anchor ? anchor.offsetTop : 0;
    const scrollTop = list.scrollTop;

    const children = [edgeNode(conversation)];
    const seen = new Set();
    let previous = null;
    let previousDay = null;
    for (const message of conversation.messages) {
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
      } else if (entry.message !== message) {
        fillMessage(entry.node, message, mine);
        entry.message = message;
      }
      const startsRun = !previous || previous.sender !== message.sender || day !== previousDay
        || Date.parse(message.ts) - Date.parse(previous.ts) > RUN_GAP_MS;
      entry.node.classList.toggle('first-of-run', startsRun);
      children.push(entry.node);
      seen.add(message.key);
      previous = message;
      previousDay = day;
    }
    for (const key of nodes.keys()) if (!seen.has(key)) nodes.delete(key);
    reconcile(list, children);

    const newest = conversation.messages[conversation.messages.length - 1];
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
    if (conversation.loaded && conversation.hasMore && list.scrollHeight <= list.clientHeight) chat.loadOlder(partner);
  }

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      partner = null;
      return;
    }
    const subtitleText = state.connection === 'online' ? '' : 'reconnecting…';
    if (subtitle.textContent !== subtitleText) subtitle.textContent = subtitleText;
    app.dataset.pane = state.selected ? 'chat' : 'list';
    emptyPane.hidden = Boolean(state.selected);
    openPane.hidden = !state.selected;
    if (!state.selected) {
      if (partner) {
        const previous = partner;
        partner = null;
        list.replaceChildren();
        document.querySelector(`[data-testid="user"][data-username="${CSS.escape(previous)}"]`)?.focus();
      }
      return;
    }
    const switched = state.selected !== partner;
    if (switched) showConversation(state);
    if (switched || state.conversations !== prev.conversations || state.me !== prev.me) {
      render(state, { switched });
    }
    if (switched) document.getElementById('composer').focus({ preventScroll: true });
  });
}
