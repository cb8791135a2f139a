// views/userList.js: the side panel: who I am, the filter box, and everyone I can talk to.
//
// Each person is one button (data-testid="user", data-username) showing the last message and time when known,
// and an unread badge. People with recent messages come first, like any messenger; the rest follow by name.
// Entries are kept per username and updated in place (see dom.js, reconcile), so a message arriving while the
// list has keyboard focus does not throw the focus away. Arrow keys, Home and End move between people; Enter in
// the filter box opens the first match.

import { avatar, h, reconcile, toggleAttribute } from './dom.js';
import { listTime } from '../format.js';

export function mountUserList(store, chat) {
  const list = document.getElementById('user-list');
  const empty = document.getElementById('user-list-empty');
  const filter = document.getElementById('filter');
  const meName = document.getElementById('me-name');
  const meAvatar = document.getElementById('me-avatar');
  const logout = document.querySelector('[data-testid="logout"]');
  const entries = new Map(); // username -> { item, button, time, preview, badge, rendered }

  filter.addEventListener('input', () => store.set({ filter: filter.value }));
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      list.querySelector('button')?.focus();
    } else if (event.key === 'Enter') {
      list.querySelector('button')?.click(); // the first match: type a few letters, press Enter, talk
    } else if (event.key === 'Escape' && filter.value) {
      filter.value = '';
      store.set({ filter: '' });
    }
  });
  logout.addEventListener('click', () => chat.logout());

  list.addEventListener('keydown', (event) => {
    const buttons = [...list.querySelectorAll('button')];
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    // A Map, not an object literal: `{...}[event.key]` would find inherited members for some strings.
    const target = new Map([['ArrowDown', index + 1], ['ArrowUp', index - 1], ['Home', 0], ['End', buttons.length - 1]])
      .get(event.key);
    if (target === undefined) return;
    event.preventDefault();
    if (target < 0) filter.focus();
    else buttons[Math.min(target, buttons.length - 1)].focus();
  });

  function entryFor(username) {
    let entry = entries.get(username);
    if (!entry) {
      const time = h('time', { class: 'user-time' });
      const preview = h('span', { class: 'user-preview' });
      const badge = h('span', { class: 'badge', hidden: true });
      const button = h('button', {
        type: 'button', class: 'user', 'data-testid': 'user', 'data-username': username,
        onclick: () => chat.openConversation(username),
      },
      avatar(username),
      h('span', { class: 'user-main' },
        h('span', { class: 'user-top' }, h('span', { class: 'user-name', text: username }), time),
        h('span', { class: 'user-bottom' }, preview, badge)));
      entry = { item: h('li', {}, button), button, time, preview, badge, rendered: null };
      entries.set(username, entry);
    }
    return entry;
  }

  /** Brings one entry up to date; skipped when nothing it shows has changed. */
  function update(entry, { selected, unread, last, me }) {
    const key = `${selected}|${unread}|${last ? `${last.key}|${last.status}|${last.ts}` : ''}`;
    if (entry.rendered === key) return;
    entry.rendered = key;
    toggleAttribute(entry.button, 'aria-current', selected, 'true');
    entry.button.classList.toggle('unread', unread > 0);
    if (last) {
      entry.time.textContent = listTime(last.ts);
      entry.time.setAttribute('datetime', last.ts);
      entry.preview.textContent = last.sender === me ? `You: ${last.message}` : last.message;
      entry.preview.classList.toggle('failed', last.status === 'failed');
    } else {
      entry.time.textContent = '';
      entry.time.removeAttribute('datetime');
      entry.preview.textContent = '';
    }
    entry.badge.hidden = unread === 0;
    entry.badge.textContent = unread > 99 ? '99+' : String(unread);
    entry.badge.setAttribute('aria-label', `${unread} unread`);
  }

  function render(state) {
    const query = state.filter.trim().toLowerCase();
    const lastOf = (username) => {
      const messages = state.conversations.get(username)?.messages;
      return messages && messages.length ? messages[messages.length - 1] : null;
    };
    const people = state.users
      .filter((username) => !query || username.toLowerCase().includes(query))
      .map((username) => ({ username, last: lastOf(username) }))
      .sort((a, b) => {
        if (a.last && b.last) return a.last.ts < b.last.ts ? 1 : a.last.ts > b.last.ts ? -1 : 0;
        if (a.last || b.last) return a.last ? -1 : 1;
        return a.username < b.username ? -1 : 1;
      });

    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    const items = people.map(({ username, last }) => {
      const entry = entryFor(username);
      update(entry, { selected: state.selected === username, unread: state.unread.get(username) || 0, last, me: state.me });
      return entry.item;
    });
    reconcile(list, items);
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });

    empty.hidden = people.length > 0;
    empty.textContent = query
      ? `No one matches “${state.filter.trim()}”.`
      : 'No one else is here yet. Ask a friend to sign up, and they will appear here.';
  }

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      if (prev.phase === 'chat') {
        entries.clear();
        list.replaceChildren();
        filter.value = '';
      }
      return;
    }
    if (state.me !== prev.me || prev.phase !== 'chat') {
      meName.textContent = state.me;
      meAvatar.replaceChildren(avatar(state.me));
    }
    if (state.users !== prev.users || state.filter !== prev.filter || state.selected !== prev.selected
        || state.unread !== prev.unread || state.conversations !== prev.conversations || prev.phase !== 'chat') {
      render(state);
    }
  });
}
