// credentials.js: the log-in page's words, as rules without a page: what to say about a username or password
// before asking the server, and what to make of the server's refusal (which field to put the keyboard in, whether
// to offer signing up instead).
//
// Pure, so Node tests it (test/credentials.test.js); views/auth.js shows what it returns. The rules mirror the
// server's (common Usernames, auth-server Credentials) only to spare a pointless round trip: the server decides.
// Its words are kept where they are plain already, and put plainly where they are not: a password's limit is 72
// bytes (bcrypt's), which is 72 characters for plain ASCII, so "bytes" is said only when the password has other
// characters, where it matters.

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const MIN_PASSWORD_BYTES = 8;
const MAX_PASSWORD_BYTES = 72;

export const USERNAME_RULE = 'Usernames are 3 to 32 characters: letters, digits, _ . or -';
const PASSWORD_RULE = 'Passwords are 8 to 72 characters.';
const PASSWORD_BYTES_RULE = 'Passwords are 8 to 72 bytes: a letter like é counts as 2, an emoji as 4.';

function bytesOf(text) {
  return new TextEncoder().encode(text).length;
}

/** What the password hint says for the password typed so far. */
export function passwordRule(password) {
  return /^[\x00-\x7f]*$/.test(password) ? PASSWORD_RULE : PASSWORD_BYTES_RULE;
}

/**
 * Whether the form is worth sending: null, or { field: 'username' | 'password', text } for the first problem.
 * `username` is as typed (trimmed by the caller).
 */
export function checkCredentials(username, password) {
  if (!username) return { field: 'username', text: 'Enter a username and a password.' };
  if (!USERNAME.test(username)) return { field: 'username', text: `${USERNAME_RULE}.` };
  if (!password) return { field: 'password', text: 'Enter a username and a password.' };
  const bytes = bytesOf(password);
  if (bytes < MIN_PASSWORD_BYTES || bytes > MAX_PASSWORD_BYTES) return { field: 'password', text: passwordRule(password) };
  return null;
}

/**
 * The server's refusal (an ApiError: status, code, message) of a log-in or sign-up, for the page:
 * { text, field, offerSignup }. A log-in refused as wrong credentials may be a name with no account: the page
 * offers to sign up with it (the server does not say which, on purpose, so as not to tell who has an account).
 */
export function authFailure(error, action) {
  const status = error && error.status;
  let text = (error && error.message) || 'That did not work. Please try again.';
  let field = 'password';
  if (status === 400 && /^Usernames\b/.test(text)) {
    field = 'username';
    text = `${USERNAME_RULE}.`;
  } else if (status === 400 && /^Passwords\b/.test(text)) {
    text = PASSWORD_RULE;
  } else if (status === 409) {
    field = 'username'; // the name is taken
  }
  // "Try again in 15 minute(s)." -> "Try again in 15 minutes."
  text = text.replace(/\b(\d+) minute\(s\)/g, (_, n) => `${n} ${n === '1' ? 'minute' : 'minutes'}`);
  return { text, field, offerSignup: action === 'login' && status === 401 };
}
