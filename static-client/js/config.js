// config.js: where the client finds its servers.
//
// The same static files are served by three deployments: `make run` (page on :8080, WebSocket on :8083),
// docker-compose behind nginx and AWS behind a load balancer (one origin for everything). Rather than building a
// different bundle for each, the page asks its own origin for `/config.json` once at start-up:
//
//   {}                      the WebSocket is on the page's origin at /ws (nginx, AWS: the static file says this)
//   {"wsPort": 8083}        same host, another port (what the dev launcher answers)
//   {"wsUrl": "wss://..."}  anywhere else, spelled out
//
// The HTTP API is always the page's own origin (`/api/...`), so cookies and CORS stay simple.

/** Reads `/config.json`; a missing or broken file means "all defaults", never a failure to start. */
export async function loadConfig() {
  try {
    const response = await fetch('/config.json', { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return {};
    const config = await response.json();
    return config && typeof config === 'object' ? config : {};
  } catch {
    return {};
  }
}

/** The WebSocket URL for this page, following the rule above. */
export function webSocketUrl(config, location = window.location) {
  if (typeof config.wsUrl === 'string' && config.wsUrl) return config.wsUrl;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (config.wsPort) {
    // `hostname` already wraps an IPv6 address in brackets, as a URL needs.
    return `${scheme}//${location.hostname}:${Number(config.wsPort)}/ws`;
  }
  return `${scheme}//${location.host}/ws`;
}
