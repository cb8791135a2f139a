// The theme toggle's rules (theme.js): the order of the choices, what "system" means, what the button says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTheme, resolveTheme, themeChoice, themeLabel } from '../js/theme.js';

test('the toggle goes system, light, dark and round again; anything unknown counts as system', () => {
  assert.deepEqual(['system', 'light', 'dark'].map(nextTheme), ['light', 'dark', 'system']);
  assert.equal(themeChoice(null), 'system');
  assert.equal(themeChoice('__proto__'), 'system');
  assert.equal(nextTheme('sepia'), 'light');
});

test('system follows the device; light and dark do not', () => {
  assert.equal(resolveTheme('system', true), 'dark');
  assert.equal(resolveTheme('system', false), 'light');
  assert.equal(resolveTheme('light', true), 'light');
  assert.equal(resolveTheme('dark', false), 'dark');
  assert.equal(resolveTheme(undefined, true), 'dark');
});

test('the button names the current choice and what a click does', () => {
  assert.deepEqual(themeLabel('system'), { label: 'Theme: System', title: 'Theme: System (as the device). Click for Light' });
  assert.deepEqual(themeLabel('dark'), { label: 'Theme: Dark', title: 'Theme: Dark. Click for System' });
});
