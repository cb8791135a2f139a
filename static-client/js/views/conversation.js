// views/conversation.js: the open conversation: its header and its messages.
//
// Messages are bubbles (mine on the right), grouped into runs by sender, under day separators, newest at the
// bottom: first the stored ones (in seq order), then what is still in the outbox (a clock, or "Not sent" with
// Retry). Each is an <li data-testid="message"> with data-seq and data-id (once stored), data-sender and
// data-status: pending, sent, delivered, read (mine, from the members' marks: receipts.js) or failed, drawn as
// ticks (ticks.js). In a group, my message's ticks are a button (data-testid="message-info") that opens who has
// read it and who has it delivered (data-testid="read-by", a `reader` per member with data-username and
// data-state read | delivered | waiting). A group's changes ("alice added bob") are centred notices,
// <li data-testid="system-message">. A bubble's text is text nodes and, for its http(s) links, <a> nodes (text.js);
// one to three emoji alone make it `emoji-only` (large); the sender's name above it shows in groups only. The
// header says who: the name (conversation-title) and under it
// (conversation-subtitle) a group's members, or for a direct conversation the other person's presence ("online",
// "last seen today at 14:02", or nothing when it is not known), or who is typing ("alice is typing…"), which
// comes first, or `connecting…` / `reconnecting…` while the connection is not up. A group we were removed from stays readable, with a line where the composer was.
// Beside the title, the mute toggle (data-testid="mute-toggle"): a button with aria-pressed="true" while the
// conversation is muted, a crossed bell then; its name stays "Mute notifications", the pressed state says the
// rest, which is what a screen reader announces when it is pressed (so nothing else reads it out).
//
// Screen readers hear, politely and once each (the #live-status region): who started typing, and my newest
// message becoming delivered or read. The subtitle itself is not a live region, so switching conversations
// does not read out a member list.
//
// Scrolling is the subtle part, handled in render():
//  - at the bottom (or just after sending), new messages keep the view at the bottom;
//  - scrolled up to read, the view stays where it is and a "jump to newest" button counts what arrived;
//  - near the top, older messages are fetched and put above, and the view is shifted by exactly their height
//    so the message being read does not move. (The browser's own scroll anchoring is turned off in styles.css,
//    to have one mechanism, not two.)
//
// The day of what is at the top shows in a strip above the list (#day-strip-label) once its separator has
// scrolled out of sight: a pill that stuck inside the list (position: sticky) covered the message text under it.

import { avatar, groupAvatar, h, reconcile } from './dom.js';
import { dayKey, dayLabel, formatFull, formatTime } from '../format.js';
import { entriesFor } from '../outbox.js';
import { emptyConversation, ownKey } from '../store.js';
import { readersOf, statusOf, statusWords } from '../receipts.js';
import { typingLine, typistsIn } from '../typing.js';
import { presenceLine } from '../presence.js';
import { tickIcon } from './ticks.js';
import { isEmojiOnly, linkParts } from '../text.js';

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
  const liveStatus = document.getElementById('live-status');
  const mute = document.getElementById('mute-button');
  const dayNow = document.getElementById('day-strip-label');

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
  let infoKey = null; // the message (key) whose "read by" list is open, at most one
  let spokenTyping = ''; // the typing line last read out, so a renewal is not read out again
  let spokenStatus = null; // `key\nstatus` of my newest message as last seen, so each change is read out once

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

  /** The strip's day: that of the last separator scrolled above the list's top edge, or none (then hidden). */
  function updateDayStrip() {
    const top = list.getBoundingClientRect().top;
    let label = '';
    for (const separator of list.querySelectorAll(':scope > .day')) {
      if (separator.getBoundingClientRect().bottom > top + 1) break;
      label = separator.textContent;
    }
    if (dayNow.textContent !== label) dayNow.textContent = label;
    dayNow.hidden = label === '';
  }
  let dayFrame = 0;
  const updateDayStripSoon = () => {
    if (!dayFrame) dayFrame = requestAnimationFrame(() => { dayFrame = 0; updateDayStrip(); });
  };

  list.addEventListener('scroll', () => {
    updateDayStripSoon();
    pinned = isNearBottom();
    updateJump();
    if (openId && list.scrollTop < NEAR_TOP_PX) chat.loadOlder(openId);
  }, { passive: true });

  jump.addEventListener('click', () => {
    scrollToBottom();
    updateJump();
    document.getElementById('composer').focus();
  });

  // Escape in an open "read by" list closes the list (back to its button), not the whole conversation.
  list.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !infoKey) return;
    event.preventDefault();
    const key = infoKey;
    toggleInfo(key);
    nodes.get(key)?.node.querySelector('.tick-button')?.focus();
  });

  back.addEventListener('click', () => chat.closeConversation());
  mute.addEventListener('click', () => {
    if (openId) chat.setMuted(openId, mute.getAttribute('aria-pressed') !== 'true');
  });
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

  function messageNode(message, me, look) {
    if (message.system) {
      return h('li', { class: 'system', 'data-testid': 'system-message', 'data-seq': message.seq, 'data-id': message.id },
        h('span', { class: 'system-text', text: message.message }));
    }
    const mine = message.sender === me;
    const node = h('li', { class: `message ${mine ? 'mine' : 'theirs'}`, 'data-testid': 'message' });
    fillMessage(node, message, mine, look);
    return node;
  }

  /**
   * What a message shows beyond its own fields: its status (from the marks), and for my messages in a group
   * whether its "read by" list is open and what that list says. `signature` changes whenever any of it does.
   */
  function lookOf(message, conversation, me, deleted) {
    const status = statusOf(message, conversation, me);
    const withInfo = message.sender === me && conversation.kind === 'group' && Number.isInteger(message.seq) && status !== 'failed';
    const open = withInfo && infoKey === message.key;
    const readers = open ? readersOf(message, conversation, me) : null;
    const group = conversation.kind === 'group';
    // A deleted account's messages stay; who wrote them is shown as "Deleted user" (the name may mean nothing now).
    const gone = message.sender !== me && deleted.includes(message.sender);
    return { status, withInfo, open, readers, group, gone, signature: [status, withInfo, open, group, gone, JSON.stringify(readers)].join('\n') };
  }

  /** The ticks: an icon; in a group a button too, that opens who has read it (keyboard: Tab, then Enter). */
  function ticksOf(message, look) {
    if (!look.withInfo) return tickIcon(look.status);
    return h('button', {
      type: 'button', class: 'tick-button', 'data-testid': 'message-info', title: 'Message info',
      'aria-expanded': look.open ? 'true' : 'false', 'aria-controls': look.open ? infoId(message) : null,
      onclick: () => toggleInfo(message.key),
    }, tickIcon(look.status), h('span', { class: 'sr-only', text: ', message info' }));
  }

  const infoId = (message) => `info-${message.seq}`;

  /** Who has read my message in a group, who has it delivered, who has neither yet: from the members' marks. */
  function infoNode(message, readers) {
    const section = (label, state, names) => (names.length === 0 ? null : h('div', { class: 'info-section' },
      h('span', { class: 'info-label', text: label }),
      h('ul', { class: 'info-names' }, names.map((name) => h('li', {
        'data-testid': 'reader', 'data-username': name, 'data-state': state, text: name,
      })))));
    const nobody = readers.read.length + readers.delivered.length + readers.waiting.length === 0;
    return h('div', { class: 'receipt-info', id: infoId(message), 'data-testid': 'read-by' },
      section('Read by', 'read', readers.read),
      section('Delivered to', 'delivered', readers.delivered),
      section('Not delivered yet', 'waiting', readers.waiting),
      nobody ? h('span', { class: 'info-label', text: 'Nobody else is in the group.' }) : null);
  }

  function toggleInfo(key) {
    infoKey = infoKey === key ? null : key;
    render(store.get(), { switched: false });
  }

  /** (Re)writes a message's attributes and content; the <li> itself is kept so its place in the list is too. */
  function fillMessage(node, message, mine, look) {
    // A re-fill (a receipt arrived) must not take the keyboard away from the ticks' button.
    const refocus = node.contains(document.activeElement) && document.activeElement.matches('.tick-button');
    node.setAttribute('data-sender', message.sender);
    node.setAttribute('data-status', look.status);
    if (message.id) node.setAttribute('data-id', message.id);
    else node.removeAttribute('data-id');
    if (message.seq) node.setAttribute('data-seq', String(message.seq));
    else node.removeAttribute('data-seq');

    const meta = h('span', { class: 'meta' },
      h('time', { datetime: message.ts, title: formatFull(message.ts), text: formatTime(message.ts) }),
      mine ? ticksOf(message, look) : null);
    // Who wrote it is shown in groups only: in a direct conversation the side of the bubble says it. Screen
    // readers still hear it there (sr-only), as they do not see the sides.
    const bubble = h('div', { class: 'bubble' },
      h('span', { class: look.group ? 'sender' : 'sender sr-only', text: mine ? 'You' : look.gone ? 'Deleted user' : message.sender }),
      h('p', { class: 'text' }, textNodes(message.message)),
      meta);
    node.classList.toggle('emoji-only', isEmojiOnly(message.message));
    const failure = message.status === 'failed'
      ? h('div', { class: 'failure' },
        h('span', { class: 'failure-text', text: message.error || 'Not sent.' }),
        h('button', { type: 'button', class: 'button small retry', onclick: () => chat.retry(message.clientMsgId) }, 'Retry'),
        h('button', { type: 'button', class: 'button small discard', onclick: () => chat.discard(message.clientMsgId) }, 'Delete'))
      : null;
    node.replaceChildren(bubble, failure || '', look.open ? infoNode(message, look.readers) : '');
    if (refocus) node.querySelector('.tick-button')?.focus({ preventScroll: true });
  }

  /**
   * A message's text as nodes: text nodes, and <a> for its http(s) links (text.js, linkParts), which open in a
   * new tab that gets neither this page (noopener) nor its address (noreferrer). Never HTML.
   */
  function textNodes(text) {
    return linkParts(text).map((part) => (part.href
      ? h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer', class: 'link', text: part.text })
      : part.text));
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
    infoKey = null;
    spokenTyping = '';
    spokenStatus = null;
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
    const typing = conversation.ended ? '' : typingLine(typistsIn(state.typing, conversation.id, state.me));
    const gone = conversation.kind === 'direct' && state.deleted.includes(conversation.name);
    const seen = conversation.kind !== 'direct' ? '' : gone ? 'account deleted' : presenceLine(state.presence.get(conversation.name));
    const key = [conversation.kind, conversation.name, offline, typing, seen, conversation.muted, conversation.ended, ...names].join('\n');
    if (key === headerKey) return;
    headerKey = key;
    mute.hidden = conversation.ended;
    mute.setAttribute('aria-pressed', String(Boolean(conversation.muted)));
    mute.classList.toggle('icon-bell', !conversation.muted);
    mute.classList.toggle('icon-bell-off', Boolean(conversation.muted));
    mute.title = conversation.muted ? 'Muted: no notifications. Click to unmute' : 'Mute notifications';
    title.textContent = conversation.name || '…';
    headerAvatar.replaceChildren(conversation.kind === 'group' ? groupAvatar() : avatar(conversation.name || '?'));
    subtitle.textContent = offline ? `${state.connection}…` : typing || seen || names.join(', ');
    subtitle.title = subtitle.textContent;
    subtitle.classList.toggle('offline', offline);
    subtitle.classList.toggle('typing', !offline && Boolean(typing));
    subtitle.classList.toggle('online', !offline && !typing && seen === 'online');
    if (!offline && typing && typing !== spokenTyping) speak(typing);
    spokenTyping = offline ? '' : typing;
  }

  /** Reads something out, politely, through the one region kept for typing and ticks. */
  function speak(text) {
    liveStatus.textContent = text;
  }

  /** My newest message's ticks moved (delivered, read): said once per change, not on opening the conversation. */
  function speakStatus(messages, conversation, me, switched) {
    let newest = null;
    for (const message of messages) if (message.sender === me && !message.system) newest = message;
    if (!newest) return;
    const status = statusOf(newest, conversation, me);
    const key = `${newest.key}\n${status}`;
    const before = spokenStatus;
    spokenStatus = key;
    if (switched || before === null || before === key) return;
    if (status === 'delivered' || status === 'read') speak(`Your message: ${statusWords(status)}`);
  }

  function render(state, { switched }) {
    const conversation = state.conversations.get(openId) || emptyConversation(openId);
    showHeader(state, conversation);
    // A direct conversation with a deleted account stays to be read; the server refuses anything written to it.
    const partnerGone = conversation.kind === 'direct' && state.deleted.includes(conversation.name);
    composer.hidden = conversation.ended || partnerGone;
    ended.hidden = !conversation.ended && !partnerGone;
    ended.textContent = partnerGone ? 'This account was deleted. You can read this chat but not write to it.'
      : 'You are no longer a member of this group.';
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
      const look = message.system ? null : lookOf(message, conversation, state.me, state.deleted);
      if (!entry) {
        entry = { node: messageNode(message, state.me, look), message, signature: look && look.signature };
        if (settled && message.ts >= newestTs) {
          // Slide in once; removed afterwards so a later re-fill (pending -> sent) does not replay it.
          entry.node.classList.add('enter');
          entry.node.addEventListener('animationend', () => entry.node.classList.remove('enter'), { once: true });
        }
        nodes.set(message.key, entry);
      } else if (!message.system && (entry.message !== message || entry.signature !== look.signature)) {
        fillMessage(entry.node, message, mine, look);
        entry.message = message;
        entry.signature = look.signature;
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
    speakStatus(messages, conversation, state.me, switched);

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
    updateDayStripSoon();

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
        || state.connection !== prev.connection || state.typing !== prev.typing || state.deleted !== prev.deleted) {
      render(state, { switched });
    } else if (state.presence !== prev.presence || state.day !== prev.day) {
      // Someone came online or went: only the header can change, the messages need no render.
      showHeader(state, state.conversations.get(openId) || emptyConversation(openId));
    }
    if (switched) document.getElementById('composer').focus({ preventScroll: true });
  });
}
