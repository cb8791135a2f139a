// views/groupForm.js: "New group": a name and the people in it (data-testid new-group, group-name,
// group-candidate, create-group).
//
// The form covers the side panel while state.panel is 'new-group'. Each person is a toggle button
// (data-testid="group-candidate", aria-pressed says whether it is picked), which reads out properly and needs no
// hidden checkbox. The name's rules (1-64 characters after trimming) and the member limit are the server's: its
// error is shown as it is. Once created, the group opens (chat.createGroup) and the form is emptied.

import { avatar, h, reconcile } from './dom.js';
import { directoryOf } from '../store.js';

export function mountGroupForm(store, chat) {
  const panel = document.getElementById('group-form');
  const form = document.getElementById('group-form-form');
  const name = document.getElementById('group-name');
  const list = document.getElementById('group-candidates');
  const count = document.getElementById('group-selected-count');
  const error = document.getElementById('group-form-error');
  const submit = form.querySelector('[data-testid="create-group"]');
  const picked = new Set(); // usernames
  const buttons = new Map(); // username -> { item, button }
  let busy = false;

  document.getElementById('group-form-close').addEventListener('click', () => chat.showPanel(null));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      chat.showPanel(null);
    }
  });

  function candidate(username) {
    let entry = buttons.get(username);
    if (!entry) {
      const button = h('button', {
        type: 'button', class: 'candidate', 'data-testid': 'group-candidate', 'data-username': username,
        'aria-pressed': 'false',
        onclick: () => {
          if (picked.has(username)) picked.delete(username);
          else picked.add(username);
          button.setAttribute('aria-pressed', String(picked.has(username)));
          showCount();
        },
      }, avatar(username), h('span', { class: 'candidate-name', text: username }), h('span', { class: 'check', 'aria-hidden': 'true' }));
      entry = { item: h('li', {}, button), button };
      buttons.set(username, entry);
    }
    return entry;
  }

  function showCount() {
    count.textContent = picked.size ? `(${picked.size} picked)` : '';
  }

  function reset() {
    picked.clear();
    name.value = '';
    error.textContent = '';
    for (const { button } of buttons.values()) button.setAttribute('aria-pressed', 'false');
    showCount();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    if (!name.value.trim()) {
      error.textContent = 'Give the group a name.';
      name.focus();
      return;
    }
    if (picked.size === 0) {
      error.textContent = 'Pick at least one person.';
      return;
    }
    busy = true;
    submit.disabled = true;
    error.textContent = '';
    try {
      if (await chat.createGroup(name.value.trim(), [...picked])) reset();
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      if (prev.phase === 'chat') {
        reset();
        buttons.clear();
        list.replaceChildren();
      }
      panel.hidden = true;
      return;
    }
    const open = state.panel === 'new-group';
    if (open !== !panel.hidden) {
      panel.hidden = !open;
      // The keyboard goes where the person is now, and back to the button that opened the form after it.
      if (open) name.focus();
      else if (panel.contains(document.activeElement) || document.activeElement === document.body) {
        document.querySelector('[data-testid="new-group"]').focus({ preventScroll: true });
      }
    }
    if (open && (state.users !== prev.users || state.conversations !== prev.conversations || prev.panel !== 'new-group')) {
      const people = directoryOf(state.users, state.conversations, state.me, state.deleted);
      reconcile(list, people.map((username) => candidate(username).item));
    }
  });
}
