// The log-in page's rules without a page (credentials.js): checks before sending, and the server's refusals in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authFailure, checkCredentials, passwordRule } from '../js/credentials.js';

test('an empty or invalid username puts the keyboard in the username field, not the password', () => {
  assert.equal(checkCredentials('', 'whatever123').field, 'username');
  assert.deepEqual(checkCredentials('a b', 'correct horse'), { field: 'username', text: 'Usernames are 3 to 32 characters: letters, digits, _ . or -.' });
  assert.equal(checkCredentials('al', 'correct horse').field, 'username');
  assert.equal(checkCredentials('x'.repeat(33), 'correct horse').field, 'username');
  assert.equal(checkCredentials('Alice.B-2_', 'correct horse'), null);
});

test('a password is 8 to 72 characters; bytes are mentioned only when it has non-ASCII characters', () => {
  assert.deepEqual(checkCredentials('alice', ''), { field: 'password', text: 'Enter a username and a password.' });
  assert.deepEqual(checkCredentials('alice', 'short'), { field: 'password', text: 'Passwords are 8 to 72 characters.' });
  assert.equal(checkCredentials('alice', 'x'.repeat(73)).text, 'Passwords are 8 to 72 characters.');
  assert.equal(checkCredentials('alice', 'x'.repeat(72)), null);
  assert.match(checkCredentials('alice', 'é'.repeat(37)).text, /72 bytes/); // 74 bytes, 37 characters
  assert.equal(checkCredentials('alice', 'é'.repeat(36)), null);
  assert.equal(passwordRule('plain'), 'Passwords are 8 to 72 characters.');
  assert.match(passwordRule('pässword'), /bytes/);
});

test('a refused log-in offers signing up; other refusals go to the field they are about, in plain words', () => {
  const wrong = { status: 401, code: 'invalid_credentials', message: 'Wrong username or password.' };
  assert.deepEqual(authFailure(wrong, 'login'), { text: 'Wrong username or password.', field: 'password', offerSignup: true });
  assert.equal(authFailure(wrong, 'signup').offerSignup, false);
  const badName = { status: 400, code: 'invalid_input', message: "Usernames are 3-32 characters: letters, digits, '_', '.' or '-'." };
  assert.deepEqual(authFailure(badName, 'signup'),
    { text: 'Usernames are 3 to 32 characters: letters, digits, _ . or -.', field: 'username', offerSignup: false });
  const badPassword = { status: 400, code: 'invalid_input', message: 'Passwords are 8 to 72 bytes long.' };
  assert.equal(authFailure(badPassword, 'signup').text, 'Passwords are 8 to 72 characters.');
  const locked = { status: 429, code: 'too_many_attempts', message: 'Too many failed attempts. Try again in 15 minute(s).' };
  assert.equal(authFailure(locked, 'login').text, 'Too many failed attempts. Try again in 15 minutes.');
  assert.equal(authFailure({ ...locked, message: 'Try again in 1 minute(s).' }, 'login').text, 'Try again in 1 minute.');
  assert.equal(authFailure({ status: 409, message: 'That username is taken.' }, 'signup').field, 'username');
});
