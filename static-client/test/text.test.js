// The pure text rules of text.js: links, big emoji, the length as the server counts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePointCount, isEmojiOnly, lengthStatus, linkParts, MAX_TEXT_CHARS } from '../js/text.js';

const links = (text) => linkParts(text).filter((part) => part.href).map((part) => part.text);

test('an http or https URL is a link; the rest stays text, and the parts join back to the message', () => {
  const text = 'see https://example.com/a?b=1#c and http://localhost:8080/x too';
  const parts = linkParts(text);
  assert.deepEqual(parts, [
    { text: 'see ' },
    { text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
    { text: ' and ' },
    { text: 'http://localhost:8080/x', href: 'http://localhost:8080/x' },
    { text: ' too' },
  ]);
  assert.equal(parts.map((part) => part.text).join(''), text);
});

test('trailing punctuation belongs to the sentence, brackets the link opened stay in it', () => {
  assert.deepEqual(links('Look: https://example.com.'), ['https://example.com']);
  assert.deepEqual(links('(see https://example.com/page)'), ['https://example.com/page']);
  assert.deepEqual(links('https://en.wikipedia.org/wiki/Foo_(bar), right?'), ['https://en.wikipedia.org/wiki/Foo_(bar)']);
  assert.deepEqual(links('"https://example.com/x"!'), ['https://example.com/x']);
  assert.deepEqual(links('https://example.com/?q=1...'), ['https://example.com/?q=1']);
});

test('javascript:, data: and other schemes are never links, nor is a scheme inside a word or another URL', () => {
  for (const text of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://example.com',
    'JavaScript:http://example.com', 'xhttp://example.com', 'https://', 'http:///nohost', 'mailto:a@b.c']) {
    assert.deepEqual(links(text), [], text);
    assert.deepEqual(linkParts(text), [{ text }], text);
  }
});

test('a link is found in upper case and next to non-ASCII text, and the empty text is one empty part', () => {
  assert.deepEqual(links('HTTPS://EXAMPLE.COM/A'), ['HTTPS://EXAMPLE.COM/A']);
  assert.equal(linkParts('HTTPS://EXAMPLE.COM/A')[0].href, 'https://example.com/A');
  assert.deepEqual(links('voilà https://example.fr/é。'), ['https://example.fr/é。']);
  assert.deepEqual(linkParts(''), [{ text: '' }]);
});

test('one to three emoji, each however it is composed, are emoji only; text with them is not', () => {
  for (const text of ['👍', '❤️', '👨‍👩‍👧', '🇫🇷', '👍🏽', '👍 👍', '🇫🇷🇩🇪🇮🇹', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', ' 😀 ']) {
    assert.equal(isEmojiOnly(text), true, text);
  }
  for (const text of ['hi 👍', '👍👍👍👍', '', '   ', '1', 'a', '👍.', ':)']) {
    assert.equal(isEmojiOnly(text), false, text);
  }
});

test('the length is counted in code points, as the server does; the counter shows from 3,800 on', () => {
  assert.equal(codePointCount('abc'), 3);
  assert.equal(codePointCount('😀'), 1);
  assert.equal(codePointCount('👨‍👩‍👧'), 5); // three people joined by two ZWJs
  assert.equal(codePointCount('\ud800x'), 2); // a lone surrogate is one, as in Java
  assert.deepEqual(lengthStatus('a'.repeat(3799)), { count: 3799, over: false, words: '' });
  assert.deepEqual(lengthStatus('a'.repeat(3800)), { count: 3800, over: false, words: '296 left' });
  assert.deepEqual(lengthStatus('😀'.repeat(MAX_TEXT_CHARS)), { count: 4096, over: false, words: '0 left' });
  assert.deepEqual(lengthStatus('a'.repeat(5200)), { count: 5200, over: true, words: '1,104 too many' });
});
