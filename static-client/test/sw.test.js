// The offline shell's rules (sw.js): it answers for the app's own files only, never for the API or anything
// else, and its list of files is the app's files as they are on disk (a file added and not listed would be
// missing offline; one listed and gone would make the worker's install fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// sw.js is a classic worker script: run it in a context of its own, where its top-level names are globals.
const worker = vm.createContext({ URL });
vm.runInContext(`${readFileSync(join(root, 'sw.js'), 'utf8')}\nthis.SHELL = SHELL; this.shellKey = shellKey;`, worker);
const { shellKey } = worker;
const scope = 'https://chat.example/';

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(root, path).split('\\').join('/')];
  });
}

test('SHELL lists every file the page uses, and nothing that is not there', () => {
  const onDisk = files(root).filter((file) => !file.startsWith('test/') && file !== 'README.md' && file !== 'sw.js');
  assert.deepEqual([...worker.SHELL].filter((file) => file !== './').sort(), onDisk.sort());
});

test('the page, its files and config.json are answered; one copy of the page for / and /index.html', () => {
  assert.equal(shellKey('GET', 'https://chat.example/', scope), 'https://chat.example/');
  assert.equal(shellKey('GET', 'https://chat.example/index.html', scope), 'https://chat.example/');
  assert.equal(shellKey('GET', 'https://chat.example/?from=notification', scope), 'https://chat.example/');
  assert.equal(shellKey('GET', 'https://chat.example/js/views/conversation.js', scope), 'https://chat.example/js/views/conversation.js');
  assert.equal(shellKey('GET', 'https://chat.example/styles.css?v=2', scope), 'https://chat.example/styles.css');
  assert.equal(shellKey('GET', 'https://chat.example/config.json', scope), 'https://chat.example/config.json');
});

test('never the API, the socket, the worker itself, another origin, another method, or an unknown file', () => {
  for (const url of ['https://chat.example/api/auth/me', 'https://chat.example/api/conversations',
    'https://chat.example/api/conversations/a%7Cb/messages?after=3', 'https://chat.example/api/users?include=deleted',
    'https://chat.example/ws', 'https://chat.example/sw.js', 'https://chat.example/healthz',
    'https://chat.example/js/', 'https://chat.example/js/nope.js', 'https://chat.example/api/index.html',
    'https://elsewhere.example/index.html', 'https://elsewhere.example/js/main.js']) {
    assert.equal(shellKey('GET', url, scope), null, url);
  }
  assert.equal(shellKey('POST', 'https://chat.example/index.html', scope), null);
  assert.equal(shellKey('HEAD', 'https://chat.example/styles.css', scope), null);
});
