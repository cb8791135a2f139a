// views/members.js: an open group's members, and what an admin can do to them (data-testid members, member,
// add-member, group-candidate, remove-member, leave; promote and demote are this client's own hooks).
//
// The panel covers the conversation while state.panel is 'members' or 'add-member'. Each member is an <li
// data-testid="member" data-username data-role>. An admin sees, beside every other member, Make admin / Dismiss
// as admin and Remove; "Add member" opens the people who are not in the group as group-candidates (one click
// adds). Anyone can leave. The server decides who may do what (403 not_admin); hiding the buttons from a
// non-admin only keeps the screen honest.

import { avatar, h, reconcile } from './dom.js';
import { directoryOf } from '../store.js';

export function mountMembers(store, chat) {
  const panel = document.getElementById('members-panel');
  const button = document.getElementById('members-button');
  const count = document.getElementById('members-count');
  const addButton = document.getElementById('add-member');
  const candidates = document.getElementById('add-candidates');
  const list = document.getElementById('member-list');
  const leave = document.getElementById('leave');
  let shown = null; // the conversation id the panel shows
  let memberEntries = new Map(); // username -> { signature, item }: the member entries on screen

  button.addEventListener('click', () => chat.showPanel(store.get().panel ? null : 'members'));
  document.getElementById('members-close').addEventListener('click', () => chat.showPanel(null));
  addButton.addEventListener('click', () => chat.showPanel(store.get().panel === 'add-member' ? 'members' : 'add-member'));
  leave.addEventListener('click', () => {
    if (shown) chat.leave(shown);
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault(); // not also closing the conversation (conversation.js listens for Escape too)
      chat.showPanel(null);
    }
  });

  function memberItem(member, { me, iAmAdmin, id }) {
    const mine = member.username === me;
    const admin = member.role === 'admin';
    const actions = iAmAdmin && !mine
      ? h('span', { class: 'member-actions' },
        h('button', {
          type: 'button', class: 'button small', 'data-testid': admin ? 'demote' : 'promote',
          onclick: () => chat.setRole(id, member.username, admin ? 'member' : 'admin'),
        }, admin ? 'Dismiss as admin' : 'Make admin'),
        h('button', {
          type: 'button', class: 'button small danger', 'data-testid': 'remove-member',
          'aria-label': `Remove ${member.username}`,
          onclick: () => chat.removeMember(id, member.username),
        }, 'Remove'))
      : null;
    return h('li', {
      class: 'member', 'data-testid': 'member', 'data-username': member.username, 'data-role': member.role || 'member',
    },
    avatar(member.username),
    h('span', { class: 'member-name', text: mine ? `${member.username} (you)` : member.username }),
    admin ? h('span', { class: 'role', text: 'Admin' }) : null,
    actions);
  }

  function render(state, conversation) {
    const iAmAdmin = conversation.members.some((m) => m.username === state.me && m.role === 'admin');
    const members = conversation.members.slice().sort((a, b) => {
      if ((a.role === 'admin') !== (b.role === 'admin')) return a.role === 'admin' ? -1 : 1;
      return a.username < b.username ? -1 : 1;
    });
    count.textContent = `${members.length} ${members.length === 1 ? 'member' : 'members'}`;
    // Entries are rebuilt only when what they show changes, so a click's target and the focus survive the
    // re-render that a message arriving causes.
    const next = new Map();
    const items = members.map((member) => {
      const signature = `${conversation.id}\n${member.role}\n${iAmAdmin}\n${state.me}`;
      const kept = memberEntries.get(member.username);
      const entry = kept && kept.signature === signature
        ? kept : { signature, item: memberItem(member, { me: state.me, iAmAdmin, id: conversation.id }) };
      next.set(member.username, entry);
      return entry.item;
    });
    memberEntries = next;
    reconcile(list, items);

    addButton.hidden = !iAmAdmin || conversation.ended;
    leave.hidden = conversation.ended;
    const adding = state.panel === 'add-member' && iAmAdmin;
    addButton.setAttribute('aria-expanded', String(adding));
    candidates.hidden = !adding;
    if (adding) {
      const inside = new Set(conversation.members.map((m) => m.username));
      const people = directoryOf(state.users, state.conversations, state.me, state.deleted).filter((name) => !inside.has(name));
      reconcile(candidates, people.length
        ? people.map((username) => h('li', {}, h('button', {
          type: 'button', class: 'candidate', 'data-testid': 'group-candidate', 'data-username': username,
          onclick: () => {
            chat.addMember(conversation.id, username);
            chat.showPanel('members');
          },
        }, avatar(username), h('span', { class: 'candidate-name', text: username }))))
        : [h('li', { class: 'candidates-empty', text: 'Everyone is in this group already.' })]);
    }
  }

  store.subscribe((state, prev) => {
    const conversation = state.phase === 'chat' && state.selected ? state.conversations.get(state.selected) : null;
    const group = conversation && conversation.kind === 'group' ? conversation : null;
    button.hidden = !group;
    const open = Boolean(group) && (state.panel === 'members' || state.panel === 'add-member');
    if (open === panel.hidden) {
      panel.hidden = !open;
      // The keyboard follows the panel: into it when it opens, back to the Members button when it closes.
      if (open) document.getElementById('members-close').focus();
      else if (group && (panel.contains(document.activeElement) || document.activeElement === document.body)) button.focus();
    }
    button.setAttribute('aria-expanded', String(open));
    if (!open) {
      shown = null;
      return;
    }
    if (shown !== group.id || state.conversations !== prev.conversations || state.panel !== prev.panel
        || state.users !== prev.users) {
      shown = group.id;
      render(state, group);
    }
  });
}
