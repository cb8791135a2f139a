// views/composer.js: the message box at the bottom of a conversation.
//
// Enter sends, Shift+Enter starts a new line (and so does Enter while an input method is composing a word,
// e.g. Japanese or Chinese, where Enter confirms the word). Each conversation (by id) keeps its own unsent draft
// while the person looks at another. Sending works offline too: the message waits in the outbox (chat.js). The box
// grows with its text (CSS `field-sizing`, with `rows` as the fallback). Writing in it tells the other members
// "typing" (chat.typing, which sends at most one frame every 3 s).
//
// The text goes as it was typed: leading spaces of a line (an indented list, a poem, code) are kept; the server
// refuses only blank messages, so trimming is only how we decide there is nothing to send. Its length is what
// the server counts, code points (text.js): from 3,800 on a counter says how many are left, and past 4,096 the
// message is not sent and the person is told why. There is no maxlength on the box: it would cut a long paste
// silently, and it counts UTF-16 units, so an emoji would count twice.

import { lengthStatus, MAX_TEXT_CHARS } from '../text.js';

const MAX_ROWS = 6;

export function mountComposer(store, chat) {
  const form = document.getElementById('composer-form');
  const input = document.getElementById('composer');
  const counter = document.getElementById('composer-counter');
  const error = document.getElementById('composer-error');
  const drafts = new Map(); // conversation id -> unsent text
  let openId = null;
  let openName = null;

  function fit() {
    const lines = input.value.split('\n').length;
    input.rows = Math.min(MAX_ROWS, Math.max(1, lines));
    const length = lengthStatus(input.value);
    form.classList.toggle('ready', input.value.trim().length > 0 && !length.over);
    if (counter.textContent !== length.words) counter.textContent = length.words;
    counter.classList.toggle('over', length.over);
    if (!length.over) error.textContent = ''; // shortened enough: the refusal no longer holds
  }

  function submit() {
    const text = input.value;
    if (!openId || !text.trim()) return;
    const length = lengthStatus(text);
    if (length.over) {
      const over = (length.count - MAX_TEXT_CHARS).toLocaleString('en-US');
      error.textContent = `Not sent: a message can be at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters. `
        + `Remove ${over} to send it.`;
      input.focus();
      return;
    }
    error.textContent = '';
    chat.send(openId, text);
    input.value = '';
    drafts.delete(openId);
    fit();
    input.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    if (openId) drafts.set(openId, input.value);
    // Typing, as the others see it: text being written, not a box being emptied (chat.js sends at most every 3 s).
    if (openId && input.value.trim()) chat.typing(openId);
    fit();
  });

  store.subscribe((state) => {
    const selected = state.phase === 'chat' ? state.selected : null;
    if (state.phase !== 'chat') drafts.clear();
    const name = selected ? state.conversations.get(selected)?.name || '' : '';
    if (selected === openId && name === openName) return;
    if (selected !== openId) {
      openId = selected;
      input.value = (openId && drafts.get(openId)) || '';
      fit();
    }
    openName = name;
    input.placeholder = name ? `Message ${name}` : 'Type a message';
  });
}
