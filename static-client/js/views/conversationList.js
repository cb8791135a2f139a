// views/conversationList.js: the caller's conversations, most recent first (data-testid="conversation-list").
//
// Each is one button (data-testid="conversation-item", data-conversation = its id, data-kind = direct | group)
// with the name, the time and a preview of the last message, a group icon for groups, and an unread badge
// (data-testid="unread", in the DOM only while there is something unread, its text the count). The order and
// the counts come from store.js (conversationOrder, unreadOf): this file only draws them.
//
// Entries are kept per conversation id and updated in place, and moved only when the order really changes
// (dom.js, reconcile), so keyboard focus survives a message arriving. A group we were removed from stays,
// marked ended (data-ended), until the next full list from the server drops it. While someone types in a
// conversation, its preview says so ("bob is typing…"), as messengers do; the last message comes back after.
// A direct conversation whose other person is online has a dot on the avatar (data-testid="presence-dot",
// labelled "online" for screen readers, part of the button's name); groups show none. A muted conversation
// has a crossed bell before its badge (data-testid="muted-icon", labelled "muted") and its badge greyed: it
// still counts, as in WhatsApp, but asks for less attention.

import { avatar, groupAvatar, h, reconcile, toggleAttribute } from './dom.js';
import { listTime } from '../format.js';
import { activityOf, conversationOrder, unreadOf } from '../store.js';
import { typingLine, typistsIn } from '../typing.js';
import { isOnline } from '../presence.js';

export function mountConversationList(store, chat) {
  const list = document.getElementById('conversation-list');
  const empty = document.getElementById('conversation-list-empty');
  const entries = new Map(); // conversation id -> { item, button, name, time, preview, badge, rendered }

  function entryFor(conversation) {
    let entry = entries.get(conversation.id);
    if (!entry) {
      const id = conversation.id;
      const slot = h('span', { class: 'avatar-slot' });
      const name = h('span', { class: 'user-name' });
      const time = h('time', { class: 'user-time' });
      const preview = h('span', { class: 'user-preview' });
      const badge = h('span', { class: 'badge', 'data-testid': 'unread' });
      const button = h('button', {
        type: 'button', class: 'user', 'data-testid': 'conversation-item', 'data-conversation': id,
        onclick: () => chat.openConversation(id),
      },
      slot,
      h('span', { class: 'user-main' },
        h('span', { class: 'user-top' }, name, time),
        h('span', { class: 'user-bottom' }, preview)));
      const dot = h('span', { class: 'presence-dot', role: 'img', 'aria-label': 'online', 'data-testid': 'presence-dot' });
      const muted = h('span', { class: 'muted-icon', role: 'img', 'aria-label': 'muted', 'data-testid': 'muted-icon' });
      entry = { item: h('li', {}, button), button, slot, name, time, preview, badge, dot, muted, rendered: null, look: null };
      entries.set(id, entry);
    }
    return entry;
  }

  /** The preview line: "You: …" for mine, "bob: …" in a group, a system message as it is. */
  function previewOf(conversation, me) {
    const last = conversation.lastMessage;
    if (!last) return conversation.kind === 'group' ? 'No messages yet' : '';
    if (last.system) return last.message;
    if (last.sender === me) return `You: ${last.message}`;
    return conversation.kind === 'group' ? `${last.sender}: ${last.message}` : last.message;
  }

  /** Brings one entry up to date; skipped when nothing it shows has changed. */
  function update(entry, conversation, { selected, me, typing, presence, day }) {
    const unread = conversation.ended ? 0 : unreadOf(conversation);
    const last = conversation.lastMessage;
    const typingNow = conversation.ended ? '' : typingLine(typistsIn(typing, conversation.id, me));
    const online = conversation.kind === 'direct' && !conversation.ended && isOnline(presence, conversation.name);
    const key = [selected, unread, conversation.name, conversation.kind, conversation.ended, last ? last.seq : '',
      activityOf(conversation), typingNow, online, conversation.muted, day].join('\n');
    if (entry.rendered === key) return;
    entry.rendered = key;
    entry.button.setAttribute('data-kind', conversation.kind);
    toggleAttribute(entry.button, 'data-ended', conversation.ended, 'true');
    toggleAttribute(entry.button, 'aria-current', selected, 'true');
    entry.button.classList.toggle('unread', unread > 0);
    entry.button.classList.toggle('ended', conversation.ended);
    entry.button.classList.toggle('muted', Boolean(conversation.muted));
    // Before the badge, after the preview: the order a screen reader reads the button's name in.
    if (conversation.muted) entry.preview.after(entry.muted);
    else entry.muted.remove();
    const look = `${conversation.kind}\n${conversation.name}`;
    if (entry.look !== look) {
      entry.look = look;
      entry.slot.replaceChildren(conversation.kind === 'group' ? groupAvatar() : avatar(conversation.name || '?'));
    }
    if (online) entry.slot.append(entry.dot);
    else entry.dot.remove();
    entry.name.textContent = conversation.name || '…';
    const ts = activityOf(conversation);
    entry.time.textContent = ts ? listTime(ts) : '';
    toggleAttribute(entry.time, 'datetime', Boolean(ts), ts);
    entry.preview.textContent = conversation.ended ? 'You are no longer a member' : typingNow || previewOf(conversation, me);
    entry.preview.classList.toggle('preview-system', !typingNow && (Boolean(last && last.system) || conversation.ended));
    entry.preview.classList.toggle('preview-typing', Boolean(typingNow));
    // The badge is in the DOM only while there is something unread, as the contract's hook says.
    if (unread > 0) {
      entry.badge.textContent = String(unread);
      entry.badge.setAttribute('aria-label', `${unread} unread`);
      if (!entry.badge.isConnected) (entry.muted.isConnected ? entry.muted : entry.preview).after(entry.badge);
    } else {
      entry.badge.remove();
    }
  }

  function render(state) {
    const query = state.filter.trim().toLowerCase();
    const conversations = conversationOrder(state.conversations)
      .filter((conversation) => !query || conversation.name.toLowerCase().includes(query));
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    const items = conversations.map((conversation) => {
      const entry = entryFor(conversation);
      update(entry, conversation, {
        selected: state.selected === conversation.id, me: state.me, typing: state.typing, presence: state.presence, day: state.day,
      });
      return entry.item;
    });
    for (const id of entries.keys()) if (!state.conversations.has(id)) entries.delete(id);
    reconcile(list, items);
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });

    empty.hidden = conversations.length > 0 || !state.listLoaded;
    empty.textContent = query ? 'No chats match.' : 'No chats yet. Pick someone below, or make a group.';
  }

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      if (prev.phase === 'chat') {
        entries.clear();
        list.replaceChildren();
      }
      return;
    }
    if (state.conversations !== prev.conversations || state.filter !== prev.filter || state.selected !== prev.selected
        || state.listLoaded !== prev.listLoaded || state.typing !== prev.typing || state.presence !== prev.presence
        || state.day !== prev.day || prev.phase !== 'chat') {
      render(state);
    }
  });
}
