// socket.js: one WebSocket that keeps itself connected.
//
// Its only jobs are to keep a connection open and to hand over frames; what a frame means is the business of
// chat.js and sync.js. Keeping the socket ignorant of messages makes the reconnect logic easy to read and to
// test in isolation. The handshake carries the HttpOnly `token` cookie, which this code never sees.

/**
 * A WebSocket that keeps itself connected.
 *
 * When the connection drops it waits and tries again, doubling the wait each time up to a cap, and picks a random
 * point in the upper half of that wait ("equal jitter"): after a server restart, thousands of browsers then come
 * back spread over seconds instead of all in the same millisecond. A successful open resets the wait.
 *
 * Callbacks: onOpen(), onFrame(object), onClose(), and beforeReconnect() -> Promise<boolean>, asked before every
 * new attempt (chat.js uses it to check the session is still valid; false stops reconnecting for good).
 */
export class ChatSocket {
  static BASE_DELAY_MS = 500;
  static MAX_DELAY_MS = 15000;
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

  start() {
    this.stopped = false;
    this.#open();
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
    const ceiling = Math.min(ChatSocket.MAX_DELAY_MS, ChatSocket.BASE_DELAY_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
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
