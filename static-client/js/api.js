// api.js: everything that crosses the network, in one place.
//
// Two halves, both straight from the wire protocol (docs/PROTOCOL.md):
//  - `api`: the HTTP calls, thin wrappers over fetch() that return the parsed JSON or throw an ApiError carrying the
//    server's `{"error", "message"}`, so views can show the server's own words to the person.
//  - `ChatSocket`: one WebSocket that reconnects by itself. Its only jobs are to keep a connection open and to hand
//    over frames; what a frame means is the business of chat.js. Keeping the socket ignorant of messages makes
//    the reconnect logic easy to read and to test in isolation.
//
// Authentication is the HttpOnly `token` cookie: fetch() sends it (same origin) and so does the WebSocket handshake.
// This code never sees the token, which is the point: a script injected into the page could not steal it either.

/**
 * A failed HTTP call: `status` 0 means the server could not be reached at all. `retryAfterSeconds` is the server's
 * Retry-After (on 429 and 503), or 0 when it gave none.
 */
export class ApiError extends Error {
  constructor(status, code, message, retryAfterSeconds = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

// HTTP status -> words. A Map, like everything in this client looked up by a value that comes from the server.
const FALLBACK_MESSAGES = new Map([
  [0, 'Cannot reach the server. Check your connection and try again.'],
  [401, 'Please log in again.'],
  [429, 'Too many attempts. Please wait a while and try again.'],
  [500, 'Something went wrong on the server. Please try again.'],
  [503, 'The service is busy or down right now. Please try again shortly.'],
]);

// How far the server's clock is ahead of ours, learnt from the Date header of every response. chat.js needs the
// server's idea of "now" to start catching up from the right moment (see chat.js, objectIdAt).
let serverClockOffsetMs = 0;

/** The current time by the server's clock, as far as we know it (to the second). */
export function serverNow() {
  return Date.now() + serverClockOffsetMs;
}

async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', FALLBACK_MESSAGES.get(0));
  }
  const serverDate = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(serverDate)) serverClockOffsetMs = serverDate - Date.now();
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null; // an error page from a proxy, say: the status still tells us what happened
    }
  }
  if (!response.ok) {
    const message = (data && typeof data.message === 'string' && data.message)
      || FALLBACK_MESSAGES.get(response.status)
      || FALLBACK_MESSAGES.get(response.status >= 500 ? 500 : 0);
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') || '', 10);
    throw new ApiError(response.status, (data && data.error) || `http_${response.status}`, message,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 0);
  }
  return data;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The HTTP API. Every call resolves to the contract's JSON or rejects with an ApiError. */
export const api = {
  signup: (username, password) => request('POST', '/api/auth/signup', { username, password }),
  login: (username, password) => request('POST', '/api/auth/login', { username, password }),
  logout: () => request('POST', '/api/auth/logout'),
  me: () => request('GET', '/api/auth/me'),
  users: () => request('GET', '/api/users'),
  /** One page of a conversation, oldest first: the newest `limit` messages, older than `before` when given. */
  conversation: (other, { before, limit } = {}) => request('GET', `/api/messages${query({ with: other, limit, before })}`),
  /** Every conversation's messages newer than `after`, oldest first: what a reconnecting client missed. */
  since: (after, limit) => request('GET', `/api/messages${query({ after, limit })}`),
};

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
