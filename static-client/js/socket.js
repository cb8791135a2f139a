// socket.js: one WebSocket that keeps itself connected.
//
// Its only jobs are to keep a connection open and to hand over frames; what a frame means is the business of
// chat.js and sync.js. Keeping the socket ignorant of messages makes the reconnect logic easy to read and to
// test in isolation. The handshake carries the HttpOnly `token` cookie, which this code never sees.

/** The socket's waits: from 0.5 s, doubling, capped at 2 s, so a client is back within about 2 s of the server. */
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 2000;

/**
 * How long to wait before attempt number `attempt` (0 for the first retry): the wait doubles from BASE_DELAY_MS up
 * to MAX_DELAY_MS, and a random point in its upper half is taken ("equal jitter"), so that after a server restart
 * the browsers come back spread over a second instead of all in the same millisecond. Pure (`random` is
 * Math.random unless a test gives its own), tested in test/socket.test.js.
 *
 * The cap is low on purpose: a person looking at "reconnecting" wants to be back as soon as the server is, and a
 * retry is cheap (a `GET /api/auth/me` and a handshake). Waiting up to 15 s, as before, saved the server little
 * and cost every person up to 15 s after each restart.
 */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * A WebSocket that keeps itself connected.
 *
 * When the connection drops it waits (backoffDelay) and tries again. A successful open resets the wait.
 *
 * Callbacks: onOpen(), onFrame(object), onClose(), and beforeReconnect() -> Promise<boolean>, asked before every
 * new attempt (chat.js uses it to check the session is still valid; false stops reconnecting for good).
 */
export class ChatSocket {
  static CONNECT_TIMEOUT_MS = 10000;

  constructor(url, { onOpen, onFrame, onClose, beforeReconnect }) {
    this.url = url;
    this.handlers = { onOpen, onFrame, onClose, beforeReconnect };
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Connects. `checkFirst`: ask beforeReconnect() before this first attempt too, as before every retry (chat.js,
   * for a session started while the server could not say whose cookie this is).
   */
  start({ checkFirst = false } = {}) {
    this.stopped = false;
    if (checkFirst) this.#retry();
    else this.#open();
  }

  /** Sends one frame; false when the socket is not open (the caller decides what that means for the message). */
  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Skips the remaining back-off wait, e.g. when the browser says the network is back. */
  reconnectNow() {
    if (this.stopped || this.socket !== null) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.#retry();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      socket.close(1000, 'bye');
    }
  }

  #open() {
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.socket = socket;
    const closed = () => {
      clearTimeout(connectTimeout);
      if (this.socket !== socket) return; // already handled, or stop() let go of it
      this.socket = null;
      this.handlers.onClose?.();
      this.#scheduleRetry();
    };
    // A handshake that hangs (a half-open network), or one the browser refused without a close event (as
    // Chromium does when the Content-Security-Policy blocks the URL), would otherwise leave us waiting forever.
    const connectTimeout = setTimeout(() => {
      socket.close();
      closed();
    }, ChatSocket.CONNECT_TIMEOUT_MS);

    socket.addEventListener('open', () => {
      clearTimeout(connectTimeout);
      this.attempt = 0;
      this.handlers.onOpen?.();
    });
    socket.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return; // not JSON: nothing the contract allows the server to send, so ignore it
      }
      if (frame && typeof frame === 'object') this.handlers.onFrame?.(frame);
    });
    socket.addEventListener('close', closed);
  }

  #scheduleRetry() {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.#retry(), delay);
  }

  async #retry() {
    if (this.stopped) return;
    let proceed = true;
    try {
      proceed = this.handlers.beforeReconnect ? await this.handlers.beforeReconnect() : true;
    } catch {
      proceed = true; // could not check: keep trying, the next attempt will ask again
    }
    if (this.stopped || this.socket !== null) return;
    if (proceed) this.#open();
    else this.stopped = true;
  }
}
