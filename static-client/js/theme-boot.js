// theme-boot.js: applies the person's theme (system, light or dark) before the page is first painted.
//
// A classic script, loaded blocking in <head> before the stylesheet: a module would run after the first paint,
// and a dark-theme person would see a white flash on every load. It only reads the choice kept by the theme
// toggle (js/theme.js, localStorage `chitchat.theme`) and sets <html data-theme="light|dark">, which is what
// styles.css reads; for "system" it follows the device's setting, also when that changes while the page is open.
// It is a file and not an inline script because the Content-Security-Policy allows no inline script. The rule
// "system follows the device" is written twice, here and in theme.js (resolveTheme), as this file cannot import.
(function applyTheme() {
  var root = document.documentElement;
  var dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function choice() {
    try {
      var stored = window.localStorage.getItem('chitchat.theme');
      return stored === 'light' || stored === 'dark' ? stored : 'system';
    } catch (e) {
      return 'system'; // storage blocked: the device's setting
    }
  }
  function apply() {
    var chosen = choice();
    root.setAttribute('data-theme-choice', chosen);
    root.setAttribute('data-theme', chosen === 'system' ? (dark && dark.matches ? 'dark' : 'light') : chosen);
  }
  apply();
  if (dark && dark.addEventListener) dark.addEventListener('change', apply);
  // Another tab changed the choice: follow it here too.
  window.addEventListener('storage', function (event) {
    if (event.key === 'chitchat.theme' || event.key === null) apply();
  });
  window.chitchatApplyTheme = apply; // theme.js calls it after the toggle stores a new choice
}());
