// views/status.js: what the page says about itself rather than about messages.
//
//  - the connection status (data-testid="connection-status"): `connecting` until the session's first connection
//    opens, then exactly `online` or `reconnecting`, as the contract says; the coloured dot is drawn by CSS from
//    data-state, so the element's text stays those words;
//  - notices: errors worth telling the person (an `error` frame from the server, say), dismissable, gone by
//    themselves after a while;
//  - the screen-reader announcer: a polite live region that reads out messages arriving in real time;
//  - the tab title, which counts unread messages: "(3) Chit-Chat". Muted conversations count too, as their badges
//    do: muting stops interruptions (notifications.js), it does not hide what is unread. Because it is computed
//    from the same readSeq as the badges, a receipt of mine from another tab clears it here as well.

import { unreadOf } from '../store.js';

const NOTICE_MS = 8000;

export function mountStatus(store, chat) {
  const status = document.getElementById('connection-status');
  const notice = document.getElementById('notice');
  const noticeText = document.getElementById('notice-text');
  const announcer = document.getElementById('announcer');
  let noticeTimer = null;

  document.getElementById('notice-close').addEventListener('click', () => chat.dismissNotice());

  store.subscribe((state, prev) => {
    if (state.connection !== status.textContent) {
      status.textContent = state.connection;
      status.dataset.state = state.connection;
    }

    if (state.notice !== prev.notice) {
      clearTimeout(noticeTimer);
      notice.hidden = !state.notice;
      noticeText.textContent = state.notice ? state.notice.text : '';
      if (state.notice) noticeTimer = setTimeout(() => chat.dismissNotice(), NOTICE_MS);
    }

    if (state.announcement && state.announcement !== prev.announcement) {
      announcer.textContent = state.announcement.text;
    }

    if (state.conversations !== prev.conversations || state.phase !== prev.phase) {
      const unread = state.phase === 'chat'
        ? [...state.conversations.values()].reduce((sum, c) => sum + (c.ended ? 0 : unreadOf(c)), 0) : 0;
      document.title = unread > 0 ? `(${unread}) Chit-Chat` : 'Chit-Chat';
    }
  });
}
