import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordChangeProblem } from '../js/password.js';

test('a new password is 8 to 72 bytes, confirmed, with the current one given', () => {
  assert.equal(passwordChangeProblem('old password', 'new password', 'new password'), null);
  assert.equal(passwordChangeProblem('', 'new password', 'new password'), 'Enter your current password.');
  assert.equal(passwordChangeProblem('old password', 'short', 'short'), 'The new password must be 8 to 72 characters.');
  assert.equal(passwordChangeProblem('old password', 'x'.repeat(73), 'x'.repeat(73)), 'The new password must be 8 to 72 characters.');
  assert.equal(passwordChangeProblem('old password', 'x'.repeat(72), 'x'.repeat(72)), null);
  assert.equal(passwordChangeProblem('old password', 'é'.repeat(37), 'é'.repeat(37)), 'The new password must be 8 to 72 characters.', '74 bytes');
  assert.equal(passwordChangeProblem('old password', 'new password', 'new passw0rd'), 'The two new passwords are not the same.');
});
