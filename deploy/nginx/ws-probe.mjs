// The WebSocket half of deploy/nginx/test-routing.sh: a minimal RFC 6455 client (Node 20 has no
// WebSocket client and the test installs no packages), and the scenario that proves /ws works
// through nginx:
//
//   1. a handshake with an Origin that ALLOWED_ORIGINS lacks is refused (nginx passes Origin through);
//   2. alice and bob (twice) connect through nginx: 101 with a correct Sec-WebSocket-Accept;
//   3. alice sends bob a message: alice gets the ack, and both of bob's connections get the message.
//      nginx spreads the three sockets over both chat replicas (least_conn), so one of bob's copies
//      crossed replicas through Redis.
//
// Usage: node ws-probe.mjs PORT ORIGIN ALICE_COOKIE BOB_COOKIE BOB_NAME
// Prints one "PASS name" or "FAIL name - why" line per check; exits 0 even on FAIL (the shell counts).

import crypto from 'node:crypto';
import net from 'node:net';

const [port, origin, aliceCookie, bobCookie, bobName] = process.argv.slice(2);
const TIMEOUT_MS = 5000;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Opens a socket to nginx and performs the handshake. Resolves to {status, headers, conn?}. */
function handshake({ cookie, origin: requestOrigin }) {
  return new Promise((resolve, reject) => {
    const key = crypto.randomBytes(16).toString('base64');
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('handshake timed out')); }, TIMEOUT_MS);
    let buffered = Buffer.alloc(0);
    socket.on('error', (e) => { clearTimeout(timer); reject(e); });
    socket.on('connect', () => {
      socket.write([
        'GET /ws HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        `Origin: ${requestOrigin}`,
        `Cookie: ${cookie}`,
        '', ''].join('\r\n'));
    });
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const [statusLine, ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      const headers = Object.fromEntries(lines.map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
      }));
      if (status !== 101) {
        socket.destroy();
        resolve({ status, headers });
        return;
      }
      const expected = crypto.createHash('sha1').update(key + GUID).digest('base64');
      const conn = new Connection(socket, buffered.subarray(end + 4));
      resolve({ status, headers, acceptOk: headers['sec-websocket-accept'] === expected, conn });
    };
    socket.on('data', onData);
  });
}

/** An open WebSocket: parses server frames into JSON messages, sends masked text frames. */
class Connection {
  constructor(socket, initial) {
    this.socket = socket;
    this.pending = Buffer.alloc(0);
    this.messages = [];
    this.waiters = [];
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => {});
    if (initial.length) this.receive(initial);
  }

  receive(chunk) {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const b = this.pending;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) { if (b.length < 4) return; length = b.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (b.length < 10) return; length = Number(b.readBigUInt64BE(2)); offset = 10; }
      if (b.length < offset + length) return;
      const payload = b.subarray(offset, offset + length);
      this.pending = b.subarray(offset + length);
      if (opcode === 0x1) {
        try { this.messages.push(JSON.parse(payload.toString('utf8'))); } catch { /* not JSON: ignored */ }
        this.waiters = this.waiters.filter((w) => !w());
      } else if (opcode === 0x9) {
        this.sendFrame(0xa, payload); // pong
      }
    }
  }

  sendFrame(opcode, payload) {
    const mask = crypto.randomBytes(4);
    const header = payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  send(object) {
    this.sendFrame(0x1, Buffer.from(JSON.stringify(object), 'utf8'));
  }

  /** Resolves with the first message matching predicate, or null after the timeout. */
  waitFor(predicate) {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.messages.find(predicate);
        if (found) { clearTimeout(timer); resolve(found); return true; }
        return false;
      };
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== check); resolve(null); }, TIMEOUT_MS);
      if (!check()) this.waiters.push(check);
    });
  }

  close() {
    this.sendFrame(0x8, Buffer.from([0x03, 0xe8])); // 1000, normal closure
    setTimeout(() => this.socket.destroy(), 200);
  }
}

function report(name, ok, why) {
  console.log(ok ? `PASS ${name}` : `FAIL ${name} - ${why}`);
}

async function main() {
  try {
    const foreign = await handshake({ cookie: aliceCookie, origin: 'http://evil.example' });
    report('ws: a foreign Origin is refused through nginx', foreign.status !== 101, `got ${foreign.status}`);
    if (foreign.conn) foreign.conn.close();
  } catch (e) {
    report('ws: a foreign Origin is refused through nginx', false, e.message);
  }

  const opened = [];
  try {
    for (const [who, cookie] of [['alice', aliceCookie], ['bob#1', bobCookie], ['bob#2', bobCookie]]) {
      const r = await handshake({ cookie, origin });
      report(`ws: ${who} upgrade through nginx returns 101`, r.status === 101 && r.acceptOk,
        r.status === 101 ? 'bad Sec-WebSocket-Accept' : `got ${r.status}`);
      if (!r.conn) return;
      opened.push(r.conn);
    }
    const [alice, bob1, bob2] = opened;
    const clientMsgId = `routing-${crypto.randomUUID()}`;
    alice.send({ type: 'chat msg', receiver: bobName, message: 'hello through nginx', clientMsgId });
    const ack = await alice.waitFor((m) => m.type === 'ack' && m.clientMsgId === clientMsgId);
    report('ws: the sender gets an ack through nginx', ack !== null, `no ack in ${TIMEOUT_MS} ms: ${JSON.stringify(alice.messages)}`);
    const isMsg = (m) => m.type === 'chat msg' && m.clientMsgId === clientMsgId;
    const [got1, got2] = await Promise.all([bob1.waitFor(isMsg), bob2.waitFor(isMsg)]);
    report('ws: both receiver connections (on both replicas) get the message', got1 !== null && got2 !== null,
      `first ${got1 ? 'got it' : 'missed it'}, second ${got2 ? 'got it' : 'missed it'}`);
  } catch (e) {
    report('ws: scenario', false, e.message);
  } finally {
    opened.forEach((c) => c.close());
    setTimeout(() => process.exit(0), 400);
  }
}

main();
