// sw.js: the offline shell, a service worker. A reload while the server is down shows the app (with
// "reconnecting", as chat.js's restoreSession decides) instead of the browser's error page.
//
// What it keeps: the app's own files (SHELL below), and nothing else. API answers (/api/...) and the WebSocket
// never pass through it: they are not in the list, so they go to the network as if there were no worker, and
// nothing a person reads or writes is ever stored here. config.json is kept because it is a file of the deploy
// (where the WebSocket is), and without it an offline start would look for the socket in the wrong place.
//
// How: network first, the cache as the fallback. Every app file still goes to the server on every load (a 304 of
// a few bytes when unchanged: the files are sent `no-cache` with an ETag), so a new deploy is seen at once, as
// without a worker; each answer refreshes the cached copy. Only when the server cannot be reached (or answers
// 5xx) does the cached copy serve. Cache first would make loads faster still, but every deploy would then need a
// second reload to be seen, and the files would have to be versioned to make that safe: there is no build step.
//
// The cache's name carries VERSION: bump it when SHELL changes (test/sw.test.js checks SHELL against the files);
// on activation every older chitchat-shell-* cache is deleted. A classic script, not a module: some browsers
// still run only classic service workers. Registered by main.js, in secure contexts only (localhost counts).

const VERSION = 'v1';
const CACHE_PREFIX = 'chitchat-shell-';
const CACHE = CACHE_PREFIX + VERSION;

/** The app's files, relative to the worker's scope (the site's root). './' is the page itself. */
const SHELL = [
  './', 'index.html', 'styles.css', 'favicon.svg', 'config.json',
  'js/api.js', 'js/chat.js', 'js/config.js', 'js/credentials.js', 'js/delivered.js', 'js/format.js',
  'js/groups.js', 'js/history.js', 'js/main.js', 'js/notifications.js', 'js/outbox.js', 'js/password.js',
  'js/presence.js', 'js/receipts.js', 'js/sender.js', 'js/shell.js', 'js/socket.js', 'js/store.js', 'js/sync.js',
  'js/text.js', 'js/theme-boot.js', 'js/theme.js', 'js/typing.js',
  'js/views/accountPanel.js', 'js/views/auth.js', 'js/views/composer.js', 'js/views/conversation.js',
  'js/views/conversationList.js', 'js/views/dom.js', 'js/views/groupForm.js', 'js/views/members.js',
  'js/views/sidebar.js', 'js/views/status.js', 'js/views/ticks.js', 'js/views/userList.js',
];

/**
 * The cache key of a request this worker answers, or null for one it leaves alone. Only GETs of this origin
 * whose path is one of SHELL's (the query ignored), and navigations to the page ('/' or '/index.html'). Pure,
 * so test/sw.test.js can check that no /api/ address, nor anything else, is ever taken.
 */
function shellKey(method, url, scope) {
  if (method !== 'GET') return null;
  const address = new URL(url);
  const root = new URL(scope);
  if (address.origin !== root.origin || !address.pathname.startsWith(root.pathname)) return null;
  const relative = address.pathname.slice(root.pathname.length);
  if (relative === '' || relative === 'index.html') return new URL('./', root).href; // the page, one copy
  return SHELL.includes(relative) ? new URL(relative, root).href : null;
}

/** Network first: the server's answer (kept as the new copy), or the kept copy when there is no good answer. */
async function networkFirst(event, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(event.request);
    // Not a redirected answer: a browser refuses one from a worker for a navigation, so it must not become the copy.
    if (response.ok && response.type === 'basic' && !response.redirected) {
      // Kept while the page goes on (waitUntil keeps the worker alive until the copy is written).
      event.waitUntil(cache.put(key, response.clone()).catch(() => {}));
      return response;
    }
    if (response.status < 500) return response; // a 404 is the truth; a 5xx is a server that is not well
    return (await cache.match(key)) || response;
  } catch (offline) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw offline;
  }
}

// Guarded, so that test/sw.test.js can load this file for shellKey and SHELL without a worker around it.
if (typeof ServiceWorkerGlobalScope !== 'undefined' && self instanceof ServiceWorkerGlobalScope) {
  self.addEventListener('install', (event) => {
    // Every file at once, fresh from the server (revalidated, not taken from the HTTP cache unchecked), so the
    // shell is whole even if this first page loaded before the worker was there to see its requests.
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL.map((file) => new Request(new URL(file, self.registration.scope), { cache: 'no-cache' })));
      await self.skipWaiting(); // network first: a new worker is safe under an open page, no need to wait
    })());
  });

  self.addEventListener('activate', (event) => {
    event.waitUntil((async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim(); // the page that registered it is served from now on, not from its next load
    })());
  });

  self.addEventListener('fetch', (event) => {
    const key = shellKey(event.request.method, event.request.url, self.registration.scope);
    if (key) event.respondWith(networkFirst(event, key));
  });
}
