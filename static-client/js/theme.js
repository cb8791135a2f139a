// theme.js: the theme toggle in the side panel's header (data-testid="theme-toggle"): system, light, dark, in
// turn. The choice is kept in localStorage (`chitchat.theme`), so it holds on this browser across reloads and
// log-ins; theme-boot.js applies it before the first paint, and again when this toggle changes it.
//
// The pure part (the order of the choices, what each one means on a given device, what the button says) is
// tested under Node (test/theme.test.js); mountTheme is the browser glue.

export const THEME_KEY = 'chitchat.theme';
const CHOICES = ['system', 'light', 'dark'];
const NAMES = new Map([['system', 'System'], ['light', 'Light'], ['dark', 'Dark']]);

/** A stored value as a choice: anything unknown (nothing stored, an old value) is 'system'. */
export function themeChoice(stored) {
  return CHOICES.includes(stored) ? stored : 'system';
}

/** The choice after `choice`: system -> light -> dark -> system. */
export function nextTheme(choice) {
  return CHOICES[(CHOICES.indexOf(themeChoice(choice)) + 1) % CHOICES.length];
}

/** What the page shows for a choice: 'light' or 'dark' ('system' follows the device). */
export function resolveTheme(choice, systemDark) {
  const chosen = themeChoice(choice);
  return chosen === 'system' ? (systemDark ? 'dark' : 'light') : chosen;
}

/** The button's name and tooltip: the current choice, and what a click does. */
export function themeLabel(choice) {
  const chosen = themeChoice(choice);
  const next = nextTheme(chosen);
  return {
    label: `Theme: ${NAMES.get(chosen)}`,
    title: `Theme: ${NAMES.get(chosen)}${chosen === 'system' ? ' (as the device)' : ''}. Click for ${NAMES.get(next)}`,
  };
}

export function mountTheme() {
  const button = document.getElementById('theme-toggle');
  const read = () => {
    try {
      return themeChoice(window.localStorage.getItem(THEME_KEY));
    } catch {
      return 'system';
    }
  };
  function show(choice) {
    const { label, title } = themeLabel(choice);
    button.setAttribute('aria-label', label);
    button.title = title;
    button.dataset.choice = choice;
  }
  button.addEventListener('click', () => {
    const choice = nextTheme(read());
    try {
      if (choice === 'system') window.localStorage.removeItem(THEME_KEY);
      else window.localStorage.setItem(THEME_KEY, choice);
    } catch {
      // storage blocked: the choice lasts as long as the page
      document.documentElement.setAttribute('data-theme', resolveTheme(choice, matchMedia('(prefers-color-scheme: dark)').matches));
    }
    window.chitchatApplyTheme?.();
    show(choice);
  });
  window.addEventListener('storage', (event) => {
    if (event.key === THEME_KEY || event.key === null) show(read());
  });
  show(read());
}
