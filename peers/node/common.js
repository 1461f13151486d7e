'use strict';
// Shared helpers for the Node peers: a tiny argv parser and the deterministic
// payload patterns that the Java tests can recompute.

/**
 * Parses "--name value" and "--flag" arguments. `spec` maps option names to
 * 'flag' or 'value'. Returns { opts, rest } where rest holds the positional
 * arguments in order. Unknown options are an error (exit 64).
 */
function parseArgs(argv, spec) {
  const opts = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      let name = a.slice(2);
      let inline;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const kind = spec[name];
      if (kind === undefined) usage(`unknown option --${name}`);
      if (kind === 'flag') {
        opts[name] = inline === undefined ? true : inline !== 'false';
      } else {
        const v = inline !== undefined ? inline : argv[++i];
        if (v === undefined) usage(`option --${name} needs a value`);
        opts[name] = v;
      }
    } else {
      rest.push(a);
    }
  }
  return { opts, rest };
}

function usage(message) {
  process.stderr.write(`usage error: ${message}\n`);
  process.exit(64);
}

function intOpt(opts, name, dflt) {
  if (opts[name] === undefined) return dflt;
  const n = Number(opts[name]);
  if (!Number.isInteger(n)) usage(`--${name} must be an integer, got ${opts[name]}`);
  return n;
}

/** n bytes where byte i is (i % 251): the pattern behind "binary-size N". */
function binaryPattern(n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
}

/** n ASCII characters where char i is 'a' + (i % 26): the pattern behind "text-size N". */
function textPattern(n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 26);
  return b.toString('latin1');
}

/**
 * With --exit-on-stdin-eof the peer exits when its standard input closes, so a
 * peer whose parent test JVM died does not outlive it.
 */
function exitOnStdinEof(enabled) {
  if (!enabled) return;
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

module.exports = { parseArgs, usage, intOpt, binaryPattern, textPattern, exitOnStdinEof };
