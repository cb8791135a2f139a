// main.js: the entry point. Loads the configuration, creates the store and the chat logic, mounts every view,
// and asks the server whether we are still logged in. Reading order for a newcomer: store.js (the state and its
// rules), chat.js (what happens), then the parts it wires: outbox.js, sync.js, history.js, groups.js, api.js and
// socket.js (the wire), and views/ (what is shown).
//
// Views never talk to each other: each one renders from the store and calls actions on `chat`. That one-way
// flow (action -> store -> views) is what keeps a real-time UI predictable when messages arrive at any moment.

import { loadConfig } from './config.js';
import { createStore, initialState } from './store.js';
import { createChat } from './chat.js';
import { mountAuth } from './views/auth.js';
import { mountSidebar } from './views/sidebar.js';
import { mountConversationList } from './views/conversationList.js';
import { mountUserList } from './views/userList.js';
import { mountGroupForm } from './views/groupForm.js';
import { mountAccountPanel } from './views/accountPanel.js';
import { mountMembers } from './views/members.js';
import { mountConversation } from './views/conversation.js';
import { mountComposer } from './views/composer.js';
import { mountStatus } from './views/status.js';
import { mountTheme } from './theme.js';
import { registerShell } from './shell.js';
import { dayKey, msUntilNextDay } from './format.js';

const config = await loadConfig();
const store = createStore(initialState());
const chat = createChat(store, config);

mountAuth(store, chat);
mountSidebar(store, chat);
mountConversationList(store, chat);
mountUserList(store, chat);
mountGroupForm(store, chat);
mountAccountPanel(store, chat);
mountMembers(store, chat);
mountConversation(store, chat);
mountComposer(store, chat);
mountStatus(store, chat);
mountTheme();

// At local midnight "today at 14:02" becomes "yesterday at 14:02", and a list time becomes "Yesterday": `day`
// changes, and the views that show relative days draw again (a second late, so that the new day has begun).
function nextDay() {
  store.set({ day: dayKey(new Date().toISOString()) });
  setTimeout(nextDay, msUntilNextDay() + 1000);
}
setTimeout(nextDay, msUntilNextDay() + 1000);

// The one-pane layout (styles.css, small screens) or a touch screen without a fine pointer.
const phoneLike = window.matchMedia('(max-width: 47.99em), (pointer: coarse)');

// Which screen shows.
const screens = {
  loading: document.getElementById('splash'),
  auth: document.getElementById('auth-view'),
  chat: document.getElementById('chat-view'),
};
store.subscribe((state, prev) => {
  if (state.phase === prev.phase) return;
  for (const [phase, element] of Object.entries(screens)) element.hidden = phase !== state.phase;
  // Put the keyboard where the person will start: the username, or the search box (unless a conversation
  // reopened after a reload; then the conversation view has focused its composer). Not the search box on a phone
  // (one pane, or a touch screen): focusing it would open the on-screen keyboard over the list on every load.
  if (state.phase === 'auth') document.getElementById('username').focus();
  if (state.phase === 'chat' && !state.selected && !phoneLike.matches) document.getElementById('filter').focus();
});

// Back online, or back to this tab: reconnect now instead of waiting out the back-off, and mark as read what
// the open conversation shows now that someone can see it.
window.addEventListener('online', () => chat.wake());
window.addEventListener('focus', () => chat.wake());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') chat.wake();
});

chat.restoreSession();
registerShell();
