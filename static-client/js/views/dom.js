// dom.js: the DOM helpers every view uses.
//
// `h()` builds elements the safe way. Text always goes in as text nodes (never parsed as HTML), so a message like
// `<img src=x onerror=alert(1)>` is shown as those characters and runs nothing. There is deliberately no way to
// pass HTML through it. Attributes are set with setAttribute, never `style` (the Content-Security-Policy forbids
// inline styles; looks come from classes in styles.css).
//
// `reconcile()` makes a parent's children equal a given list of nodes while touching as few as possible: nodes
// already in the right place stay put, so focus, selection and scroll position survive a re-render. It is the
// small piece of what a virtual DOM library does that this client needs.

/**
 * h('button', { class: 'send', type: 'button', 'data-testid': 'send', onclick: fn }, 'Send')
 *  - `class`: the class attribute; `text`: the text content;
 *  - `on<event>`: an event listener; `true` / `false` / null: a boolean attribute present or absent;
 *  - anything else: an attribute. Children: nodes or strings (as text), null and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') element.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Makes `parent`'s children exactly `nodes`, in order, moving only what is out of place. */
export function reconcile(parent, nodes) {
  let cursor = parent.firstChild;
  for (const node of nodes) {
    if (node === cursor) {
      cursor = cursor.nextSibling;
    } else {
      parent.insertBefore(node, cursor);
    }
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

/** Sets or removes a boolean attribute (hidden, disabled, aria-* given as 'true'). */
export function toggleAttribute(element, name, on, value = '') {
  if (on) element.setAttribute(name, value);
  else element.removeAttribute(name);
}

/** The avatar: a coloured circle with the first letter. The colour comes from the name, so it is stable. */
export function avatar(username, size = '') {
  let hash = 0;
  for (const char of username) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  const initial = [...username][0] || '?';
  return h('span', { class: `avatar hue-${hash % 10} ${size}`.trim(), 'aria-hidden': 'true' }, initial.toUpperCase());
}

/** A group's avatar: the same circle, with a people icon (drawn by CSS) instead of an initial. */
export function groupAvatar(size = '') {
  return h('span', { class: `avatar avatar-group ${size}`.trim(), 'aria-hidden': 'true' });
}
