// shell.js: registers the offline shell (../sw.js), the service worker that lets a reload while the server is
// down show this app, with "reconnecting", instead of the browser's error page.
//
// Only in a secure context (https, or http://localhost, which browsers count as one): browsers refuse service
// workers elsewhere, and asking would only log an error. Failing to register changes nothing but that: the page
// works as it did without one, so a failure is not shown to the person. What the worker keeps, and why network
// first, is told at the top of sw.js.

/** Registers /sw.js for the whole site, once the page has loaded (its install fetches do not compete with it). */
export function registerShell(win = window) {
  if (!win.isSecureContext || !('serviceWorker' in win.navigator)) return;
  const register = () => win.navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  if (win.document.readyState === 'complete') register();
  else win.addEventListener('load', register, { once: true });
}
