#!/usr/bin/env node
'use strict';
// A WebSocket echo server built on the ws library, started by duplex's tests.
//
//   node echo-server.js [--port N] [--host 127.0.0.1] [--deflate]
//       [--server-no-context-takeover] [--client-no-context-takeover]
//       [--server-max-window-bits N] [--client-max-window-bits N]
//       [--threshold N] [--max-payload N] [--exit-on-stdin-eof]
//
// Prints exactly one line "LISTENING <port>" on stdout once it accepts
// connections; diagnostics go to stderr. Every text message is echoed as text
// and every binary message as binary, except these text control messages:
//   __close <code> [reason]   the server starts the closing handshake
//   __ping [payload]          the server sends a ping; each pong it receives is
//                             reported back as the text message "__pong <payload>"
//   __terminate               the server drops the TCP connection without a close frame
// permessage-deflate is off unless --deflate is given (the ws default); with it,
// --threshold defaults to 0 so that every message is compressed.

const { WebSocketServer } = require('ws');
const { parseArgs, intOpt, exitOnStdinEof } = require('./common');

const { opts, rest } = parseArgs(process.argv.slice(2), {
  host: 'value',
  port: 'value',
  deflate: 'flag',
  'no-deflate': 'flag',
  'server-no-context-takeover': 'flag',
  'client-no-context-takeover': 'flag',
  'server-max-window-bits': 'value',
  'client-max-window-bits': 'value',
  threshold: 'value',
  'max-payload': 'value',
  'exit-on-stdin-eof': 'flag',
});
if (rest.length > 0) {
  process.stderr.write(`unexpected arguments: ${rest.join(' ')}\n`);
  process.exit(64);
}

const deflate = opts.deflate === true && opts['no-deflate'] !== true;
let perMessageDeflate = false;
if (deflate) {
  perMessageDeflate = {
    serverNoContextTakeover: opts['server-no-context-takeover'] === true,
    clientNoContextTakeover: opts['client-no-context-takeover'] === true,
    threshold: intOpt(opts, 'threshold', 0),
  };
  if (opts['server-max-window-bits'] !== undefined) {
    perMessageDeflate.serverMaxWindowBits = intOpt(opts, 'server-max-window-bits');
  }
  if (opts['client-max-window-bits'] !== undefined) {
    perMessageDeflate.clientMaxWindowBits = intOpt(opts, 'client-max-window-bits');
  }
}

const server = new WebSocketServer({
  host: opts.host || '127.0.0.1',
  port: intOpt(opts, 'port', 0),
  perMessageDeflate,
  maxPayload: intOpt(opts, 'max-payload', 64 * 1024 * 1024),
  clientTracking: true,
});

server.on('listening', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});

server.on('error', (err) => {
  process.stderr.write(`server error: ${err.stack || err}\n`);
  process.exit(1);
});

server.on('connection', (ws, req) => {
  process.stderr.write(
    `connection from ${req.socket.remotePort} path=${req.url} extensions=${ws.extensions || '-'}\n`);

  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const text = data.toString('utf8');
      if (text.startsWith('__close')) {
        const m = /^__close(?: (\d+))?(?: (.*))?$/s.exec(text);
        const code = m && m[1] ? Number(m[1]) : 1000;
        const reason = m && m[2] !== undefined ? m[2] : '';
        ws.close(code, reason);
        return;
      }
      if (text === '__ping' || text.startsWith('__ping ')) {
        ws.ping(Buffer.from(text.length > 7 ? text.slice(7) : '', 'utf8'));
        return;
      }
      if (text === '__terminate') {
        ws.terminate();
        return;
      }
    }
    ws.send(data, { binary: isBinary });
  });

  ws.on('pong', (data) => {
    if (ws.readyState === ws.OPEN) ws.send(`__pong ${data.toString('utf8')}`);
  });

  ws.on('close', (code, reason) => {
    process.stderr.write(`closed code=${code} reason=${reason.toString('utf8')}\n`);
  });

  ws.on('error', (err) => {
    process.stderr.write(`connection error: ${err.message}\n`);
  });
});

exitOnStdinEof(opts['exit-on-stdin-eof'] === true);
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => process.exit(0));
}
