// views/userList.js: the people directory (data-testid="user-list"): everyone, by name, to start a direct chat.
//
// Each person is one button (data-testid="user", data-username). Clicking opens the direct conversation with
// them (chat.openDirect: POST /api/conversations, which always answers with the same id). The directory is
// sorted by name and never reordered by activity (the conversation list above does that), so it stays still
// under the pointer; people who sign up appear within seconds (chat.js polls /api/users while visible).

import { avatar, h, reconcile, toggleAttribute } from './dom.js';
import { directWith, directoryOf } from '../store.js';

export function mountUserList(store, chat) {
  const list = document.getElementById('user-list');
  const empty = document.getElementById('user-list-empty');
  const entries = new Map(); // username -> { item, button }

  function entryFor(username) {
    let entry = entries.get(username);
    if (!entry) {
      const button = h('button', {
        type: 'button', class: 'user person', 'data-testid': 'user', 'data-username': username,
        onclick: () => chat.openDirect(username),
      },
      avatar(username),
      h('span', { class: 'user-main' }, h('span', { class: 'user-top' }, h('span', { class: 'user-name', text: username }))));
      entry = { item: h('li', {}, button), button };
      entries.set(username, entry);
    }
    return entry;
  }

  function render(state) {
    const query = state.filter.trim().toLowerCase();
    const people = directoryOf(state.users, state.conversations, state.me, state.deleted)
      .filter((username) => !query || username.toLowerCase().includes(query));
    const open = state.selected ? state.conversations.get(state.selected) : null;
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    const items = people.map((username) => {
      const entry = entryFor(username);
      const current = Boolean(open && open.kind === 'direct' && directWith(new Map([[open.id, open]]), username));
      toggleAttribute(entry.button, 'aria-current', current, 'true');
      return entry.item;
    });
    reconcile(list, items);
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });

    empty.hidden = people.length > 0 || !state.usersLoaded; // not yet known (or offline) is not "no one"
    empty.textContent = query
      ? `No one matches “${state.filter.trim()}”.`
      : 'No one else is here yet. Ask a friend to sign up, and they will appear here.';
  }

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      if (prev.phase === 'chat') {
        entries.clear();
        list.replaceChildren();
      }
      return;
    }
    if (state.users !== prev.users || state.usersLoaded !== prev.usersLoaded || state.filter !== prev.filter || state.selected !== prev.selected
        || state.conversations !== prev.conversations || prev.phase !== 'chat') {
      render(state);
    }
  });
}
