// views/sidebar.js: the side panel's frame: who I am, the buttons beside it, the search box, and the keyboard.
//
// The two lists inside it have their own views (conversationList.js, userList.js); this one owns what they
// share. The search box filters both. Arrow keys, Home and End move between every entry of both lists, top to
// bottom, as if they were one; Enter in the search box opens the first match (type a few letters, Enter, talk).
//
// The header's bell is the desktop notifications toggle (data-testid="notifications-toggle", aria-pressed): its
// first click is what asks the browser for permission, never the page loading; later clicks turn them on and
// off for this person on this browser. Blocked in the browser's settings, it says so (a crossed bell, and a
// notice on click); where the page cannot have notifications at all, it is not shown.

import { avatar } from './dom.js';

export function mountSidebar(store, chat) {
  const lists = document.getElementById('sidebar-lists');
  const filter = document.getElementById('filter');
  const meName = document.getElementById('me-name');
  const meAvatar = document.getElementById('me-avatar');

  const bell = document.getElementById('notifications-toggle');

  document.querySelector('[data-testid="logout"]').addEventListener('click', () => chat.logout());
  bell.addEventListener('click', () => chat.toggleNotifications());
  document.querySelector('[data-testid="new-group"]').addEventListener('click', () => chat.showPanel('new-group'));

  filter.addEventListener('input', () => store.set({ filter: filter.value }));
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      lists.querySelector('button')?.focus();
    } else if (event.key === 'Enter') {
      lists.querySelector('button')?.click();
    } else if (event.key === 'Escape' && filter.value) {
      filter.value = '';
      store.set({ filter: '' });
    }
  });

  lists.addEventListener('keydown', (event) => {
    const buttons = [...lists.querySelectorAll('button')];
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

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      if (prev.phase === 'chat') filter.value = '';
      return;
    }
    if (state.me !== prev.me || prev.phase !== 'chat') {
      meName.textContent = state.me;
      meAvatar.replaceChildren(avatar(state.me));
    }
    if (state.notifications !== prev.notifications || prev.phase !== 'chat') {
      const { permission, enabled } = state.notifications;
      bell.hidden = permission === 'unsupported';
      bell.setAttribute('aria-pressed', String(enabled));
      bell.classList.toggle('icon-bell', enabled);
      bell.classList.toggle('icon-bell-off', !enabled);
      bell.title = permission === 'denied' ? 'Notifications are blocked in the browser\'s settings'
        : enabled ? 'Notifications are on. Click to turn them off' : 'Enable notifications';
    }
  });
}
