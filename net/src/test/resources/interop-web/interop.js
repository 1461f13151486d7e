'use strict';
// Scenarios run by dev.duplex.net.interop.ChromiumInteropTest against the server this page came from.
// Each one records what the browser's WebSocket API did into window.R[id] and sets done (or error) at the end.

window.R = {};
document.getElementById('where').textContent = location.href;

function log(text, ok) {
  const line = document.createElement('div');
  line.textContent = text;
  if (ok !== undefined) line.className = ok ? 'ok' : 'bad';
  document.getElementById('log').appendChild(line);
}

function wsUrl(id) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/echo?id=' + encodeURIComponent(id);
}

async function sha256(data) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// n deterministic pseudo-random bytes (xorshift32)
function pattern(n, seed) {
  const b = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function until(predicate, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve) => {
    const check = () => {
      if (predicate() || Date.now() >= deadline) resolve();
      else setTimeout(check, 10);
    };
    check();
  });
}

class Socket {
  constructor(id) {
    this.ws = new WebSocket(wsUrl(id));
    this.constructedState = this.ws.readyState;
    this.ws.binaryType = 'arraybuffer';
    this.queue = [];
    this.waiters = [];
    this.errorEvents = 0;
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => { this.openState = this.ws.readyState; resolve(); };
      this.ws.onerror = () => { this.errorEvents++; reject(new Error('error event before open')); };
    });
    this.closed = new Promise((resolve) => {
      this.ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean,
                                         readyState: this.ws.readyState });
    });
    this.ws.onmessage = (e) => {
      const w = this.waiters.shift();
      if (w) w(e.data); else this.queue.push(e.data);
    };
  }

  next() {
    return this.queue.length ? Promise.resolve(this.queue.shift())
                             : new Promise((resolve) => this.waiters.push(resolve));
  }
}

const scenarios = {
  // readyState through the life of a socket, and a client-initiated close(4000, "bye")
  async lifecycle(r, s) {
    r.constructed = s.constructedState;
    await s.opened;
    r.inOpen = s.openState;
    s.ws.close(4000, 'bye');
    r.afterClose = s.ws.readyState;
    const c = await s.closed;
    r.inClose = c.readyState;
    r.close = { code: c.code, reason: c.reason, wasClean: c.wasClean };
  },

  // a non-ASCII text message and an arraybuffer binary message come back intact
  async messages(r, s) {
    await s.opened;
    const text = 'héllo wörld ✓ 😀 🎉 — ünïcødé 日本語';
    s.ws.send(text);
    const echoedText = await s.next();
    r.text = { sent: text, received: echoedText, type: typeof echoedText, sha256: await sha256(text) };
    const data = pattern(300000, 7);
    s.ws.send(data);
    const echoed = await s.next();
    r.binary = { isArrayBuffer: echoed instanceof ArrayBuffer, length: echoed.byteLength,
                 sentSha256: await sha256(data), receivedSha256: await sha256(echoed) };
    s.ws.close(1000);
    r.close = await s.closed;
  },

  // bufferedAmount grows with an 8 MiB send and falls back to 0
  async buffered(r, s) {
    await s.opened;
    const data = pattern(8 << 20, 11);
    r.before = s.ws.bufferedAmount;
    s.ws.send(data);
    r.afterSend = s.ws.bufferedAmount;
    const echoed = await s.next();
    r.atEcho = s.ws.bufferedAmount;
    await until(() => s.ws.bufferedAmount === 0, 10000);
    r.eventually = s.ws.bufferedAmount;
    r.length = echoed.byteLength;
    r.sentSha256 = await sha256(data);
    r.receivedSha256 = await sha256(echoed);
    s.ws.close(1000);
    r.close = await s.closed;
  },

  // 16 MiB binary and 16 MiB (of UTF-8) text, the server's default message limit
  async big(r, s) {
    await s.opened;
    const data = pattern(16 << 20, 13);
    s.ws.send(data);
    const echoed = await s.next();
    r.binary = { length: echoed.byteLength, sentSha256: await sha256(data), receivedSha256: await sha256(echoed) };
    const text = '😀'.repeat(4 << 20); // 4 UTF-8 bytes each: 16 MiB
    s.ws.send(text);
    const echoedText = await s.next();
    r.text = { utf16Length: echoedText.length, equal: echoedText === text, sentSha256: await sha256(text),
               receivedSha256: await sha256(echoedText) };
    s.ws.close(1000);
    r.close = await s.closed;
  },

  // the server starts the closing handshake with 4001 "server bye"
  async serverClose(r, s) {
    await s.opened;
    s.ws.send('__close 4001 server bye');
    const c = await s.closed;
    r.close = { code: c.code, reason: c.reason, wasClean: c.wasClean };
    r.errorEvents = s.errorEvents;
  },

  // the server drops the TCP connection without a close frame
  async serverDrop(r, s) {
    await s.opened;
    s.ws.onerror = () => { s.errorEvents++; };
    s.ws.send('__terminate');
    const c = await s.closed;
    r.close = { code: c.code, reason: c.reason, wasClean: c.wasClean };
    r.errorEvents = s.errorEvents;
  },
};

// Called by the test: starts a scenario on a new socket; the result appears in R[id].
window.runScenario = function (name, id) {
  const r = (window.R[id] = { done: false });
  const started = performance.now();
  let s;
  try {
    s = new Socket(id);
  } catch (e) {
    r.error = String(e);
    r.done = true;
    return;
  }
  scenarios[name](r, s).then(
    () => { r.done = true; log(`${id}: ok in ${Math.round(performance.now() - started)} ms`, true); },
    (e) => { r.error = String(e && e.stack || e); r.done = true; log(`${id}: ${r.error}`, false); });
};
