// views/ticks.js: the little icon after the time of my own messages: a clock (pending), one tick (sent), two
// ticks (delivered), two blue ticks (read), or a warning sign (failed).
//
// They are inline SVG drawn with strokes in `currentColor`, not CSS masks over a background colour as the other
// icons are: in forced-colors mode (Windows High Contrast) the browser replaces background colours, so a mask
// icon can vanish, while a stroke in currentColor takes the forced text colour and stays visible. The colours
// (grey, and a blue with at least 4.5:1 against the bubble, light and dark) come from styles.css (.tick-*).
// Each icon has role="img" and the status as its accessible name ("Sent", "Delivered", "Read"...).

import { statusWords } from '../receipts.js';

const SVG = 'http://www.w3.org/2000/svg';

// Paths in a 18 x 12 box: one check, a second one beside it, a clock face, a circle with "!".
const SHAPES = new Map([
  ['pending', ['M9 1.2a4.8 4.8 0 1 0 0 9.6a4.8 4.8 0 1 0 0-9.6z', 'M9 3.6V6l1.7 1.1']],
  ['sent', ['M3.5 6.4l3 3 7-7']],
  ['delivered', ['M1.5 6.4l3 3 7-7', 'M8.2 8.9l.6.5 7-7']],
  ['read', ['M1.5 6.4l3 3 7-7', 'M8.2 8.9l.6.5 7-7']],
  ['failed', ['M9 1.2a4.8 4.8 0 1 0 0 9.6a4.8 4.8 0 1 0 0-9.6z', 'M9 3.4v3.2', 'M9 8.5v.1']],
]);

/** The icon for a status, labelled with its words. */
export function tickIcon(status) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', `tick tick-${status}`);
  svg.setAttribute('viewBox', '0 0 18 12');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '12');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', statusWords(status));
  svg.setAttribute('focusable', 'false');
  for (const d of SHAPES.get(status) || SHAPES.get('sent')) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}
