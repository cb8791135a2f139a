// password.js: the rules a new password must meet before it is sent, in the words the sign-up page uses.
//
// The server has the last word (Credentials.java: 8 to 72 bytes of UTF-8, bcrypt's limit); this only spares a
// round trip and says what is wrong next to the field. Bytes, not characters, as the server counts: "é" is two.

const MIN_BYTES = 8;
const MAX_BYTES = 72;

/** What is wrong with changing `current` to `next` (confirmed as `confirm`), or null when it may be sent. */
export function passwordChangeProblem(current, next, confirm) {
  if (!current) return 'Enter your current password.';
  const bytes = new TextEncoder().encode(next).length;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) return 'The new password must be 8 to 72 characters.';
  if (next !== confirm) return 'The two new passwords are not the same.';
  return null;
}
