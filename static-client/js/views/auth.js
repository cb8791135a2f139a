// views/auth.js: the log-in / sign-up page.
//
// One form, two submit buttons: Enter (or "Log in") logs in, "Sign up" creates the account and logs in at once.
// Input is checked only enough to avoid a pointless round trip (credentials.js mirrors the server's rules); the
// server decides, and its refusal is shown in words in the `auth-error` element, with the keyboard put in the
// field it is about (an invalid username: the username, not the password).
//
// A refused log-in may be a name with no account yet; the server does not say (so as not to tell who has one),
// so the page offers "No account with that name? Sign up". That switches the form to signing up, keeping the
// name: "Sign up" becomes the first button (the one Enter presses) and the password is chosen afresh.

import { authFailure, checkCredentials, passwordRule } from '../credentials.js';

export function mountAuth(store, chat) {
  const form = document.getElementById('auth-form');
  const username = document.getElementById('username');
  const password = document.getElementById('password');
  const passwordHint = document.getElementById('password-hint');
  const error = document.getElementById('auth-error');
  const offer = document.getElementById('auth-offer');
  const actions = document.getElementById('auth-actions');
  const login = form.querySelector('[data-testid="login"]');
  const signup = form.querySelector('[data-testid="signup"]');
  const buttons = [login, signup];
  let busy = false;

  function showError(text, offerSignup = false) {
    error.textContent = text || '';
    offer.hidden = !offerSignup;
  }

  /** 'login' or 'signup': which button is first (Enter presses the first submit button) and looks primary. */
  function setMode(mode) {
    const signingUp = mode === 'signup';
    form.dataset.mode = mode;
    actions.replaceChildren(...(signingUp ? [signup, login] : [login, signup]));
    signup.classList.toggle('primary', signingUp);
    signup.classList.toggle('secondary', !signingUp);
    login.classList.toggle('primary', !signingUp);
    login.classList.toggle('secondary', signingUp);
    password.autocomplete = signingUp ? 'new-password' : 'current-password';
  }

  const focusOn = (field) => {
    const input = field === 'username' ? username : password;
    input.select();
    input.focus();
  };

  document.getElementById('offer-signup').addEventListener('click', () => {
    setMode('signup');
    showError('');
    password.value = '';
    passwordHint.textContent = `Choose a password. ${passwordRule('')}`;
    password.focus();
  });

  // "bytes" only once it matters: when the password has characters beyond plain ASCII.
  password.addEventListener('input', () => {
    const rule = passwordRule(password.value);
    if (!passwordHint.textContent.endsWith(rule)) passwordHint.textContent = rule;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const action = event.submitter && event.submitter.value === 'signup' ? 'signup' : 'login';
    const name = username.value.trim();
    const problem = checkCredentials(name, password.value);
    if (problem) {
      showError(problem.text);
      focusOn(problem.field);
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
      const { text, field, offerSignup } = authFailure(failure, action);
      showError(text, offerSignup);
      focusOn(field);
    } finally {
      busy = false;
      form.removeAttribute('aria-busy');
      buttons.forEach((button) => { button.disabled = false; });
    }
  });

  store.subscribe((state, prev) => {
    if (state.phase === 'auth' && prev.phase !== 'auth') {
      setMode('login');
      showError(state.authError);
      password.value = ''; // main.js focuses the username once the page is visible
      passwordHint.textContent = passwordRule('');
    }
  });
}
