// views/auth.js: the log-in / sign-up page.
//
// One form, two submit buttons: Enter (or "Log in") logs in, "Sign up" creates the account and logs in at once.
// Input is checked only enough to avoid a pointless round trip (both fields filled in); the rules themselves live
// on the server, whose error message is shown as it is, in words, in the `auth-error` element.

export function mountAuth(store, chat) {
  const form = document.getElementById('auth-form');
  const username = document.getElementById('username');
  const password = document.getElementById('password');
  const error = document.getElementById('auth-error');
  const buttons = form.querySelectorAll('button[type="submit"]');
  let busy = false;

  function showError(text) {
    error.textContent = text || '';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const action = event.submitter && event.submitter.value === 'signup' ? 'signup' : 'login';
    const name = username.value.trim();
    if (!name || !password.value) {
      showError('Enter a username and a password.');
      (name ? password : username).focus();
      return;
    }
    busy = true;
    form.setAttribute('aria-busy', 'true');
    buttons.forEach((button) => { button.disabled = true; });
    showError('');
    try {
      await chat.authenticate(action, name, password.value);
      password.value = '';
    } catch (failure) {
      showError(failure.message || 'That did not work. Please try again.');
      password.select();
      password.focus();
    } finally {
      busy = false;
      form.removeAttribute('aria-busy');
      buttons.forEach((button) => { button.disabled = false; });
    }
  });

  store.subscribe((state, prev) => {
    if (state.phase === 'auth' && prev.phase !== 'auth') {
      showError(state.authError);
      password.value = ''; // main.js focuses the username once the page is visible
    }
  });
}
