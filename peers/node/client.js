#!/usr/bin/env node
'use strict';
// A scripted WebSocket client built on the ws library, started by duplex's tests.
//
//   node client.js URL [--deflate] [--server-no-context-takeover]
//       [--client-no-context-takeover] [--server-max-window-bits N]
//       [--client-max-window-bits N] [--protocol p1,p2] [--max-payload N]
//       [--timeout-ms N] [--script FILE] [--exit-on-stdin-eof] [STEP ...]
//
// After the opening handshake it runs the steps in order: those from --script
// (one per line; blank lines and lines starting with # are ignored), then those
// given as arguments. A step is one of
//   text <payload>          send the rest of the line as a text message
//   text-size <n>           send n ASCII chars, char i = 'a' + i % 26
//   binary-hex <hex>        send these bytes as a binary message
//   binary-size <n>         send n bytes, byte i = i % 251
//   ping [payload]          send a ping
//   wait <n>                wait until n messages in all have been received
//   close [code] [reason]   start the closing handshake
// With no close step the client waits for the server to close.
//
// Everything it sees is printed to stdout as one JSON object per line:
//   {"event":"open","protocol":"..","extensions":"..","negotiated":".."}
//   (negotiated: each accepted extension with the parameters the server
//   answered, header style, e.g. "permessage-deflate; server_max_window_bits=10")
//   {"event":"message","type":"text","length":N,"sha256":"..","data":".."}
//   {"event":"message","type":"binary","length":N,"sha256":"..","hex":".."}
//   {"event":"ping","data":".."}  {"event":"pong","data":".."}
//   {"event":"close","code":N,"reason":"..","clean":true}
//   {"event":"error","message":".."}  {"event":"timeout"}
// (length is in bytes; data and hex are left out above 65536 bytes.)
// Exit status: 0 after a closing handshake, 1 on an error or an abnormal close
// (1006), 2 when --timeout-ms (default 30000) passes first, 64 on bad usage.

const fs = require('fs');
const crypto = require('crypto');
const WebSocket = require('ws');
const { parseArgs, usage, intOpt, binaryPattern, textPattern, exitOnStdinEof } = require('./common');

const { opts, rest } = parseArgs(process.argv.slice(2), {
  deflate: 'flag',
  'no-deflate': 'flag',
  'server-no-context-takeover': 'flag',
  'client-no-context-takeover': 'flag',
  'server-max-window-bits': 'value',
  'client-max-window-bits': 'value',
  protocol: 'value',
  'max-payload': 'value',
  'timeout-ms': 'value',
  script: 'value',
  'exit-on-stdin-eof': 'flag',
});
if (rest.length < 1) usage('client.js URL [options] [STEP ...]');
const url = rest[0];
const steps = [];
if (opts.script) {
  for (const line of fs.readFileSync(opts.script, 'utf8').split('\n')) {
    const l = line.replace(/\r$/, '');
    if (l.trim() === '' || l.startsWith('#')) continue;
    steps.push(l);
  }
}
steps.push(...rest.slice(1));

const SHOW_LIMIT = 65536;
function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

let perMessageDeflate = false;
if (opts.deflate === true && opts['no-deflate'] !== true) {
  perMessageDeflate = {
    serverNoContextTakeover: opts['server-no-context-takeover'] === true,
    threshold: 0,
  };
  // Without the flag leave ws's default (undefined): an explicit false makes ws reject a server that sends
  // client_no_context_takeover unasked, which RFC 7692 section 7.1.1.2 allows.
  if (opts['client-no-context-takeover'] === true) {
    perMessageDeflate.clientNoContextTakeover = true;
  }
  if (opts['server-max-window-bits'] !== undefined) {
    perMessageDeflate.serverMaxWindowBits = intOpt(opts, 'server-max-window-bits');
  }
  if (opts['client-max-window-bits'] !== undefined) {
    perMessageDeflate.clientMaxWindowBits = intOpt(opts, 'client-max-window-bits');
  }
}

const protocols = opts.protocol ? opts.protocol.split(',') : [];
const ws = new WebSocket(url, protocols, {
  perMessageDeflate,
  maxPayload: intOpt(opts, 'max-payload', 64 * 1024 * 1024),
  handshakeTimeout: 10000,
});

let received = 0;
let waiter = null; // { n, resolve }
let failed = false;

const timer = setTimeout(() => {
  emit({ event: 'timeout' });
  process.exit(2);
}, intOpt(opts, 'timeout-ms', 30000));

ws.on('open', async () => {
  emit({ event: 'open', protocol: ws.protocol, extensions: ws.extensions, negotiated: negotiated() });
  try {
    for (const step of steps) {
      await runStep(step);
    }
  } catch (err) {
    emit({ event: 'error', message: String(err && err.message ? err.message : err) });
    failed = true;
    ws.terminate();
  }
});

function negotiated() {
  return Object.entries(ws._extensions).map(([name, ext]) => {
    const params = Object.entries(ext.params || {})
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k, v]) => (v === true ? k : `${k}=${v}`));
    return [name, ...params].join('; ');
  }).join(', ');
}

function runStep(step) {
  const sp = step.indexOf(' ');
  const verb = sp < 0 ? step : step.slice(0, sp);
  const arg = sp < 0 ? '' : step.slice(sp + 1);
  switch (verb) {
    case 'text':
      return send(arg, false);
    case 'text-size':
      return send(textPattern(Number(arg)), false);
    case 'binary-hex':
      return send(Buffer.from(arg.replace(/\s+/g, ''), 'hex'), true);
    case 'binary-size':
      return send(binaryPattern(Number(arg)), true);
    case 'ping':
      ws.ping(Buffer.from(arg, 'utf8'));
      return Promise.resolve();
    case 'wait': {
      const n = Number(arg);
      if (received >= n) return Promise.resolve();
      return new Promise((resolve) => { waiter = { n, resolve }; });
    }
    case 'close': {
      const m = /^(\d+)?(?: (.*))?$/s.exec(arg);
      if (m && m[1]) ws.close(Number(m[1]), m[2] || '');
      else ws.close();
      return Promise.resolve();
    }
    default:
      throw new Error(`unknown step: ${step}`);
  }
}

function send(data, binary) {
  return new Promise((resolve, reject) => {
    ws.send(data, { binary }, (err) => (err ? reject(err) : resolve()));
  });
}

ws.on('message', (data, isBinary) => {
  const sha256 = crypto.createHash('sha256').update(data).digest('hex');
  const out = { event: 'message', type: isBinary ? 'binary' : 'text', length: data.length, sha256 };
  if (data.length <= SHOW_LIMIT) {
    if (isBinary) out.hex = data.toString('hex');
    else out.data = data.toString('utf8');
  }
  emit(out);
  received++;
  if (waiter && received >= waiter.n) {
    const w = waiter;
    waiter = null;
    w.resolve();
  }
});

ws.on('ping', (data) => emit({ event: 'ping', data: data.toString('utf8') }));
ws.on('pong', (data) => emit({ event: 'pong', data: data.toString('utf8') }));

ws.on('unexpected-response', (req, res) => {
  emit({ event: 'error', message: `unexpected HTTP response ${res.statusCode}` });
  process.exit(1);
});

ws.on('error', (err) => {
  emit({ event: 'error', message: err.message });
  failed = true;
});

ws.on('close', (code, reason) => {
  clearTimeout(timer);
  const clean = code !== 1006;
  emit({ event: 'close', code, reason: reason.toString('utf8'), clean });
  process.exit(clean && !failed ? 0 : 1);
});

exitOnStdinEof(opts['exit-on-stdin-eof'] === true);
