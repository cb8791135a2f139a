// views/accountPanel.js: "Account": change the password, log out everywhere, delete the account
// (data-testid account, account-panel, change-password, logout-all, delete-account).
//
// A drawer over the side panel, like "New group", while state.panel is 'account'. Focus moves to its heading
// when it opens (so a screen reader says where we are) and back to the Account button when it closes. Each of
// its three parts is its own form, with its own message line (aria-live="polite": said when the person pauses,
// not over what they are typing). The password rules are the sign-up page's (password.js); the server's words
// are shown as they are for everything else. Deleting asks for the password and a tick that names what happens.

import { passwordChangeProblem } from '../password.js';

export function mountAccountPanel(store, chat) {
  const panel = document.getElementById('account-panel');
  const title = document.getElementById('account-title');
  const opener = document.querySelector('[data-testid="account"]');
  const passwordForm = document.getElementById('password-form');
  const current = document.getElementById('current-password');
  const next = document.getElementById('new-password');
  const confirm = document.getElementById('confirm-password');
  const passwordError = document.getElementById('password-error');
  const passwordDone = document.getElementById('password-done');
  const logoutAll = panel.querySelector('[data-testid="logout-all"]');
  const logoutAllError = document.getElementById('logout-all-error');
  const deleteForm = document.getElementById('delete-form');
  const deletePassword = document.getElementById('delete-password');
  const deleteConfirm = document.getElementById('delete-confirm');
  const deleteError = document.getElementById('delete-error');

  opener.addEventListener('click', () => chat.showPanel('account'));
  document.getElementById('account-close').addEventListener('click', () => chat.showPanel(null));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      chat.showPanel(null);
    }
  });

  /** Runs `work` with `button` disabled, so a double click sends one request. */
  async function busy(button, work) {
    if (button.disabled) return;
    button.disabled = true;
    try {
      await work();
    } finally {
      button.disabled = false;
    }
  }

  passwordForm.addEventListener('submit', (event) => {
    event.preventDefault();
    passwordError.textContent = '';
    passwordDone.textContent = '';
    const problem = passwordChangeProblem(current.value, next.value, confirm.value);
    if (problem) {
      passwordError.textContent = problem;
      (current.value ? next : current).focus();
      return;
    }
    busy(passwordForm.querySelector('[type="submit"]'), async () => {
      const refused = await chat.changePassword(current.value, next.value);
      if (refused) {
        passwordError.textContent = refused;
        current.focus();
        return;
      }
      passwordForm.reset();
      passwordDone.textContent = 'Password changed. You were logged out everywhere else.';
    });
  });

  logoutAll.addEventListener('click', () => busy(logoutAll, async () => {
    logoutAllError.textContent = '';
    const refused = await chat.logoutEverywhere();
    if (refused) logoutAllError.textContent = refused;
  }));

  deleteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    deleteError.textContent = '';
    if (!deletePassword.value) {
      deleteError.textContent = 'Enter your password.';
      deletePassword.focus();
      return;
    }
    if (!deleteConfirm.checked) {
      deleteError.textContent = 'Tick the box to confirm that you want your account deleted.';
      deleteConfirm.focus();
      return;
    }
    busy(deleteForm.querySelector('[type="submit"]'), async () => {
      const refused = await chat.deleteAccount(deletePassword.value);
      if (refused) {
        deleteError.textContent = refused;
        deletePassword.focus();
      }
    });
  });

  function reset() {
    passwordForm.reset();
    deleteForm.reset();
    for (const line of [passwordError, passwordDone, logoutAllError, deleteError]) line.textContent = '';
  }

  store.subscribe((state, prev) => {
    if (state.phase !== 'chat') {
      if (prev.phase === 'chat') reset(); // no password stays in a field after the session ends
      panel.hidden = true;
      return;
    }
    const open = state.panel === 'account';
    if (open === !panel.hidden) return;
    panel.hidden = !open;
    if (open) {
      title.focus();
    } else {
      reset();
      if (panel.contains(document.activeElement) || document.activeElement === document.body) opener.focus({ preventScroll: true });
    }
  });
}
