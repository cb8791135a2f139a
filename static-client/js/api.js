// api.js: everything that crosses the network, in one place.
//
// `api` is every HTTP call of the wire contract (v2: conversations, groups, history by seq), each a thin wrapper
// over fetch() that returns the parsed JSON or throws an ApiError carrying the server's `{"error", "message"}`,
// so views can show the server's own words to the person. The WebSocket is in socket.js.
//
// Conversation ids go into URL paths through encodeURIComponent: they are opaque strings from the server, and a
// direct conversation's id contains `|`, which is not allowed raw in a path. Usernames are encoded the same way.
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

// How far the server's clock is ahead of ours, learnt from the Date header of every response: a pending message
// is shown with the server's idea of "now", so it does not jump when its ack brings the real time.
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

const path = (id) => encodeURIComponent(id);

/** The HTTP API. Every call resolves to the contract's JSON or rejects with an ApiError. */
export const api = {
  signup: (username, password) => request('POST', '/api/auth/signup', { username, password }),
  login: (username, password) => request('POST', '/api/auth/login', { username, password }),
  logout: () => request('POST', '/api/auth/logout'),
  me: () => request('GET', '/api/auth/me'),
  /** Ends every session of mine, this one included (204, the cookie cleared). */
  logoutAll: () => request('POST', '/api/auth/logout-all'),
  /** 403 `wrong_password` when `currentPassword` is not mine; this session goes on with a fresh cookie. */
  changePassword: (currentPassword, newPassword) => request('POST', '/api/auth/password', { currentPassword, newPassword }),
  /** Deletes my account for good (200, the cookie cleared); 403 `wrong_password`. */
  deleteAccount: (password) => request('POST', '/api/auth/delete-account', { password }),
  /** Everyone else, then every deleted account as `{username, deleted: true}`. */
  users: () => request('GET', '/api/users?include=deleted'),

  /** `{conversations: [Summary...]}`, most recent activity first. */
  conversations: (limit) => request('GET', `/api/conversations${query({ limit })}`),
  conversation: (id) => request('GET', `/api/conversations/${path(id)}`),
  /** The direct conversation with `username`, created if needed (always the same id). */
  direct: (username) => request('POST', '/api/conversations', { kind: 'direct', with: username }),
  createGroup: (name, members) => request('POST', '/api/conversations', { kind: 'group', name, members }),
  rename: (id, name) => request('PATCH', `/api/conversations/${path(id)}`, { name }),
  addMember: (id, username) => request('POST', `/api/conversations/${path(id)}/members`, { username }),
  /** Removes someone, or, for oneself, leaves (the answer is then `{}`). */
  removeMember: (id, username) => request('DELETE', `/api/conversations/${path(id)}/members/${path(username)}`),
  setRole: (id, username, role) => request('PATCH', `/api/conversations/${path(id)}/members/${path(username)}`, { role }),
  /** My own setting for a conversation; answers the Conversation, with `muted`. */
  mute: (id, muted) => request('PUT', `/api/conversations/${path(id)}/mute`, { muted }),

  /** A page of history, oldest first: the newest `limit` before seq `before` (or the newest of all). */
  messagesBefore: (id, before, limit) => request('GET', `/api/conversations/${path(id)}/messages${query({ before, limit })}`),
  /** Everything after seq `after`, oldest first, at most `limit`: a short page means nothing newer is left. */
  messagesAfter: (id, after, limit) => request('GET', `/api/conversations/${path(id)}/messages${query({ after, limit })}`),
};
