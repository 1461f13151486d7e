// duplex.js: the browser client of the duplex hub (topics, presence, history, resume).
// A plain ES module with no dependencies and no build step:
//
//   import { connect } from "/duplex.js";
//   const hub = connect("/hub", { name: "alice" });
//   hub.on("state", e => console.log(e.state));
//   const lobby = hub.subscribe("lobby", m => console.log(m.from.name, m.data), { history: 20 });
//   await hub.publish("lobby", { text: "hi" }, { ack: true });
//
// Transports: WebSocket first; where it cannot pass, Server-Sent Events (+ POST), then long polling, with the
// same API (see "transports" below).
//
// Protocol: docs/protocol.md. Guide: docs/browser-client.md.

/** Connection states, as reported by the "state" event and {@link Hub#state}. */
export const State = Object.freeze({
  CONNECTING: "connecting",
  OPEN: "open",
  CLOSING: "closing",
  CLOSED: "closed",
  RECONNECTING: "reconnecting",
});

const DEFAULTS = Object.freeze({
  name: undefined,
  token: undefined,
  reconnect: true,
  initialDelay: 250,
  maxDelay: 10000,
  factor: 2,
  jitter: 0.5,
  heartbeatInterval: 15000,
  heartbeatTimeout: 10000,
  maxOutbox: 256,
  transports: ["ws", "sse", "longpoll"],
  welcomeTimeout: 6000,
  upgradeAfter: 300000,
  WebSocket: undefined,
});

/**
 * Opens a hub connection and keeps it open: reconnects with exponential backoff and jitter, resubscribes every
 * topic with the last sequence number seen (resume), and sends app-level heartbeats.
 *
 * @param {string|string[]} [url] ws:// or wss:// URL of the hub, or a path such as "/hub" resolved against the
 *   page (default "/hub" on the page's host, wss when the page is https); or several, for several nodes: an
 *   attempt that cannot open moves on to the next URL (in turn, with the usual backoff), and a reconnect after an
 *   open connection dropped tries the same node first

 * @param {object} [options]
 * @param {string} [options.name] display name (1-40 chars), sent as ?name=
 * @param {string|(() => string|Promise<string>)} [options.token] JWT, sent as &token= when the server requires
 *   tokens; a function is called before every connection attempt, so a reconnect after the server closed an
 *   expired token (close code 4001, reported as an "error" event with code "token_expired") gets a fresh one
 * @param {boolean} [options.reconnect=true] reconnect after an unexpected close
 * @param {number} [options.initialDelay=250] first reconnect delay, ms (so a restarted server is found quickly)
 * @param {number} [options.maxDelay=10000] largest reconnect delay, ms
 * @param {number} [options.factor=2] the delay grows by this factor per failed attempt
 * @param {number} [options.jitter=0.5] each delay is reduced by a random part of up to this fraction
 * @param {number} [options.heartbeatInterval=15000] ms between pings ({"type":"ping"}); 0 turns heartbeats off
 * @param {number} [options.heartbeatTimeout=10000] reconnect when nothing arrives this long after a ping
 * @param {number} [options.maxOutbox=256] publishes kept while not connected; more are rejected
 * @param {string[]} [options.transports=["ws","sse","longpoll"]] the transports to use, in order of preference:
 *   "ws" (WebSocket), "sse" (Server-Sent Events, requests by POST), "longpoll". An attempt that ends before the
 *   server's welcome moves on to the next one when the hub still answers over plain HTTP (so WebSocket is what
 *   fails, not the server); give one to force it
 * @param {number} [options.welcomeTimeout=6000] an attempt whose welcome has not arrived this long after it
 *   started fails ("welcome_timeout" error), as through a proxy that buffers
 * @param {number} [options.upgradeAfter=300000] on a fallback transport, a connection attempt made this long (ms)
 *   after the fallback tries the first transport again
 * @returns {Hub}
 */
export function connect(url, options = {}) {
  return new Hub(url, options);
}

/**
 * One subscription to one topic, returned by {@link Hub#subscribe}. Survives reconnects: after each reconnect it
 * is renewed with `since` = {@link Subscription#lastSeq}, so the server replays exactly what was missed.
 */
export class Subscription {
  /** @param {Hub} hub @param {string} topic @param {Function} onMessage @param {object} options */
  constructor(hub, topic, onMessage, options) {
    this.hub = hub;
    /** The topic name. */
    this.topic = topic;
    /** Highest sequence number delivered (or known to be current), null before the first reply. */
    this.lastSeq = null;
    /** Present members, as [{session, name}], in join order. */
    this.members = [];
    /** True between the server's "subscribed" reply and the next disconnect. */
    this.active = false;
    this.onMessage = onMessage;
    this.options = options;
    this.closed = false;
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => {});
  }

  /** Resolves with the first "subscribed" reply; rejects on a server error (e.g. invalid_topic). */
  get ready() {
    return this.readyPromise;
  }

  /** Stops the subscription; the server is told if connected. */
  unsubscribe() {
    this.hub.unsubscribe(this);
  }
}

/**
 * A hub connection. Create it with {@link connect}. Events ({@link Hub#on}):
 * - "state" {state, previous, attempt, delay, code, reason, wasClean}: connecting, open, closing, closed,
 *   reconnecting. After an unexpected close, "reconnecting" comes with `delay` (the wait before attempt number
 *   `attempt`, with the close's code and reason), then again without `delay` when that attempt starts.
 * - "welcome" the server's welcome frame ({session, name, server, limits})
 * - "error" {code, message, id, topic}: server errors not tied to a pending request, and client-side failures
 * - "message" every message of every topic, after the subscription's own callback
 * - "pong" {id, rtt}: the answer to a heartbeat, with the round trip in ms
 * - "transport" {transport, previous}: a connection opened over another transport than the last one
 */
export class Hub {
  /** The hub URL in use now (with several URLs: the one the current or next attempt goes to). */
  get url() {
    return this.urls[this.urlIndex];
  }

  constructor(url, options = {}) {
    this.options = Object.assign({}, DEFAULTS, options);
    this.urls = (Array.isArray(url) ? url : [url]).map(resolveUrl);
    if (this.urls.length === 0) throw new Error("connect() needs at least one hub URL");
    this.urlIndex = 0;
    this.kinds = [...(this.options.transports || DEFAULTS.transports)];
    for (const kind of this.kinds) {
      if (!TRANSPORTS[kind]) throw new Error(`unknown transport ${kind}: use ${Object.keys(TRANSPORTS).join(", ")}`);
    }
    if (this.kinds.length === 0) throw new Error("connect() needs at least one transport");
    /** Index in this.kinds of the transport the next attempt uses. */
    this.kindIndex = 0;
    this.fellBackAt = 0;
    this.transportValue = null;
    this.probing = null;
    this.probeGeneration = 0;
    this.subscriptions = new Map();
    this.listeners = new Map();
    this.pending = new Map();
    /** Publishes sent on the current connection and not acked yet, by request id, in send order. */
    this.inflight = new Map();
    this.pings = new Map();
    this.outbox = [];
    this.ws = null;
    this.nextId = 1;
    this.attempt = 0;
    this.welcome = null;
    this.stateValue = State.CONNECTING;
    this.wanted = true;
    this.closedForGood = false;
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    this.deadlineTimer = null;
    this.welcomeTimer = null;
    // Connect once the caller's synchronous code has run, so listeners added right after connect() see
    // the first "connecting" event and subscriptions made then go out with the first open.
    queueMicrotask(() => {
      if (this.closedForGood || !this.wanted || this.ws) return;
      this.emit("state", { state: State.CONNECTING, previous: State.CLOSED, attempt: 0 });
      this.open(State.CONNECTING);
    });
    if (typeof window !== "undefined") {
      // Back online: skip the rest of the backoff delay.
      this.onlineListener = () => {
        if (this.wanted && this.stateValue === State.RECONNECTING && this.reconnectTimer) {
          clearTimeout(this.reconnectTimer);
          this.reconnectTimer = null;
          this.open(State.RECONNECTING);
        }
      };
      window.addEventListener("online", this.onlineListener);
    }
  }

  /** The current state (see {@link State}). */
  get state() {
    return this.stateValue;
  }

  /**
   * The transport in use: "ws", "sse" or "longpoll", the one of the open connection (or of the last one that was
   * open); null before the first connection opened.
   */
  get transport() {
    return this.transportValue;
  }

  /**
   * The underlying WebSocket's readyState (0-3), or the HTTP transport's (the same numbers). Without one:
   * CONNECTING (0) while the first attempt is about to start, else CLOSED (3) (waiting to reconnect, or closed).
   */
  get readyState() {
    if (this.ws) return this.ws.readyState;
    return this.stateValue === State.CONNECTING ? 0 : 3;
  }

  /** Bytes queued in the underlying WebSocket (characters with an HTTP transport) but not yet sent, or 0. */
  get bufferedAmount() {
    return this.ws ? this.ws.bufferedAmount : 0;
  }

  /** This connection's session id and name from the last welcome, or null before it. */
  get session() {
    return this.welcome ? { session: this.welcome.session, name: this.welcome.name } : null;
  }

  /**
   * Adds an event listener. Returns a function that removes it.
   * @param {"state"|"welcome"|"error"|"message"|"pong"|"transport"} event
   * @param {Function} listener
   * @returns {Function}
   */
  on(event, listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(listener);
    return () => this.listeners.get(event).delete(listener);
  }

  /**
   * Subscribes to a topic. Messages arrive in sequence order, each once, replayed ones marked `replay: true`.
   *
   * @param {string} topic 1-64 chars of [A-Za-z0-9._:-], not starting with "."
   * @param {(message: {topic: string, seq: number, ts: number, from: {session: string, name: string},
   *   data: *, replay?: boolean}) => void} onMessage
   * @param {object} [options]
   * @param {number} [options.history] on the first subscribe, replay the last N kept messages
   * @param {(members: Array<{session: string, name: string}>) => void} [options.onMembers] whole member list,
   *   after the subscribe reply and after every join or leave
   * @param {(member: {session: string, name: string}) => void} [options.onJoin]
   * @param {(member: {session: string, name: string}) => void} [options.onLeave]
   * @param {(gap: {from: number, to: number, count: number}) => void} [options.onGap] messages from..to are no
   *   longer kept on the server and will never arrive
   * @param {(resume: {since: number, seq: number, missed: number}) => void} [options.onResume] a renewed
   *   subscription after a reconnect: `missed` messages were published meanwhile and follow (or gaps for them)
   * @param {(info: {since: number, seq: number}) => void} [options.onReset] the server's sequence went backwards
   *   (its store was reset): numbering starts again from `seq`
   * @param {(error: {code: string, message: string}) => void} [options.onError]
   * @returns {Subscription}
   */
  subscribe(topic, onMessage, options = {}) {
    if (this.subscriptions.has(topic)) {
      throw new Error(`already subscribed to ${topic}`);
    }
    const sub = new Subscription(this, topic, onMessage || (() => {}), options);
    this.subscriptions.set(topic, sub);
    if (this.isOpen()) this.sendSubscribe(sub);
    return sub;
  }

  /**
   * Ends a subscription (a {@link Subscription} or a topic name).
   * @param {Subscription|string} subscription
   */
  unsubscribe(subscription) {
    const topic = typeof subscription === "string" ? subscription : subscription.topic;
    const sub = this.subscriptions.get(topic);
    if (!sub) return;
    sub.closed = true;
    sub.active = false;
    this.subscriptions.delete(topic);
    if (this.isOpen()) this.sendFrame({ type: "unsubscribe", id: this.newId("u"), topic });
  }

  /**
   * Publishes to a topic (no subscription needed), exactly once: every publish carries a key (random unless
   * given) and the server's ack is always asked for; a publish not acked when the connection drops is sent again
   * with the same key after the reconnect (to whichever node), and the server does not store a key twice.
   * While not connected the message waits in a bounded outbox and goes out after the next reconnect.
   *
   * @param {string} topic
   * @param {*} data any JSON value
   * @param {object} [options]
   * @param {boolean} [options.ack=false] resolve only once the server confirmed that the message is stored
   * @param {string} [options.key] the publish's idempotency key (1-64 chars of [A-Za-z0-9._:-]); default: 32
   *   random hex digits. Give your own to retry a publish yourself, e.g. after an "unavailable" rejection
   * @returns {Promise<{topic: string, seq: number, ts: number, duplicate?: boolean}|void>} with ack: resolves
   *   with the stored message's seq and ts (`duplicate: true` when the server had the key already: seq and ts are
   *   the first publish's), rejects on a server error (the error carries `code` and the `key`). Without ack:
   *   resolves once handed to the WebSocket.
   */
  publish(topic, data, options = {}) {
    const frame = { type: "publish", id: this.newId("p"), topic, data, ack: true, key: options.key ?? randomKey() };
    return new Promise((resolve, reject) => {
      const entry = { frame, wantsAck: !!options.ack, resolve, reject };
      if (this.closedForGood) {
        reject(new Error("the hub connection is closed"));
      } else if (this.isOpen()) {
        this.deliver(entry);
      } else if (this.outbox.length >= this.options.maxOutbox) {
        reject(new Error(`outbox full (${this.options.maxOutbox} messages waiting for a connection)`));
      } else {
        this.outbox.push(entry);
      }
    });
  }

  /**
   * Closes the connection for good: no reconnect, subscriptions forgotten, waiting publishes rejected.
   * @param {number} [code=1000]
   * @param {string} [reason]
   */
  close(code = 1000, reason = "bye") {
    this.leaveTopicsOverHttp();
    this.wanted = false;
    this.closedForGood = true;
    this.clearTimers();
    if (this.onlineListener) window.removeEventListener("online", this.onlineListener);
    for (const sub of this.subscriptions.values()) {
      sub.closed = true;
      sub.active = false;
    }
    this.subscriptions.clear();
    this.failOutbox(new Error("the hub connection was closed"));
    if (this.ws && this.ws.readyState <= 1) {
      this.setState(State.CLOSING, {});
      this.ws.close(code, reason);
    } else {
      this.setState(State.CLOSED, { code, reason });
    }
  }

  /**
   * Goes offline on purpose, keeping subscriptions and their sequence numbers: a later {@link Hub#reconnect}
   * resumes them and delivers exactly what was missed. Also the way tests simulate a lost connection.
   */
  disconnect() {
    this.leaveTopicsOverHttp();
    this.wanted = false;
    this.clearTimers();
    if (this.ws && this.ws.readyState <= 1) {
      this.setState(State.CLOSING, {});
      this.ws.close(1000, "offline");
    } else {
      this.setState(State.CLOSED, {});
    }
  }

  /** Connects now (after {@link Hub#disconnect}, or to skip the current backoff delay), resuming subscriptions. */
  reconnect() {
    if (this.closedForGood) throw new Error("the hub connection was closed for good; connect() again");
    this.wanted = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.ws && this.ws.readyState <= 1) return;
    this.open(this.welcome ? State.RECONNECTING : State.CONNECTING);
  }

  /**
   * Drops the socket as a network failure would (no close handshake is waited for) and lets auto-reconnect
   * take over. For tests and demos.
   */
  dropConnection() {
    if (this.ws) this.handleClose(this.ws, 4000, "dropped", false);
  }

  // ---------------------------------------------------------------------------------------------------------
  // internals

  isOpen() {
    return this.stateValue === State.OPEN && this.ws && this.ws.readyState === 1;
  }

  newId(prefix) {
    return prefix + this.nextId++;
  }

  emit(event, value) {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch (e) {
        console.error(`duplex: a "${event}" listener threw`, e);
      }
    }
  }

  setState(state, detail) {
    const previous = this.stateValue;
    if (previous === state && state !== State.RECONNECTING) return;
    this.stateValue = state;
    this.emit("state", Object.assign({ state, previous, attempt: this.attempt }, detail));
  }

  open(state) {
    this.probeGeneration++; // a probe still running decides nothing any more
    const token = this.options.token;
    this.setState(state, {});
    if (typeof token !== "function") {
      this.openWith(token);
      return;
    }
    Promise.resolve().then(() => token()).then((t) => {
      if (this.wanted && !this.ws) this.openWith(t);
    }, (e) => {
      this.emit("error", { code: "token_failed", message: String(e) });
      if (this.wanted) this.scheduleReconnect();
    });
  }

  openWith(token) {
    if (this.kindIndex !== 0 && Date.now() - this.fellBackAt >= this.options.upgradeAfter) {
      this.kindIndex = 0; // on a fallback long enough: try the first transport again
    }
    const kind = this.kinds[this.kindIndex];
    const target = new URL(this.url);
    this.openedOnce = false;
    this.welcomed = false;
    if (this.options.name) target.searchParams.set("name", this.options.name);
    if (token) target.searchParams.set("token", token);
    let ws;
    try {
      ws = TRANSPORTS[kind](target.toString(), this.options);
    } catch (e) {
      this.emit("error", { code: "connect_failed", message: String(e) });
      this.attemptFailed();
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    const { welcomeTimeout } = this.options;
    this.welcomeTimer = setTimeout(() => {
      if (this.ws !== ws) return;
      this.emit("error", { code: "welcome_timeout", message: `no welcome within ${welcomeTimeout} ms over ${kind}` });
      this.dropConnection();
    }, welcomeTimeout);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.openedOnce = true;
      if (this.transportValue !== kind) {
        const previous = this.transportValue;
        this.transportValue = kind;
        this.emit("transport", { transport: kind, previous });
      }
      this.setState(State.OPEN, {});
      this.startHeartbeat();
      for (const sub of this.subscriptions.values()) this.sendSubscribe(sub);
      const waiting = this.outbox;
      this.outbox = [];
      for (const entry of waiting) this.deliver(entry);
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.alive();
      let frame = event.frame; // the HTTP transports parsed it already
      try {
        if (frame === undefined) frame = JSON.parse(event.data);
      } catch (e) {
        this.emit("error", { code: "bad_frame", message: "not JSON: " + String(event.data).slice(0, 100) });
        return;
      }
      this.handleFrame(frame);
    };
    ws.onclose = (event) => this.handleClose(ws, event.code, event.reason, event.wasClean);
    // The close event that follows an error carries everything needed.
    ws.onerror = () => {};
  }

  handleClose(ws, code, reason, wasClean) {
    if (this.ws !== ws) return;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (ws.readyState <= 1) {
      try {
        ws.close(4000, "dropped");
      } catch (e) {
        // already closing
      }
    }
    this.clearTimers();
    for (const sub of this.subscriptions.values()) sub.active = false;
    for (const [id, request] of this.pending) {
      request.reject(Object.assign(new Error("connection lost before the server answered"),
          { code: "connection_lost", id }));
    }
    this.pending.clear();
    // Publishes not acked yet may or may not be stored: they go out again, with the same keys, after the
    // reconnect (before those queued meanwhile), and the server stores each key once.
    const unacked = [...this.inflight.values()];
    this.inflight.clear();
    if (this.closedForGood || (this.wanted && !this.options.reconnect)) {
      for (const entry of unacked) {
        if (entry.wantsAck) {
          entry.reject(Object.assign(new Error("connection lost before the server answered"),
              { code: "connection_lost", id: entry.frame.id, key: entry.frame.key }));
        }
      }
    } else {
      this.outbox = unacked.concat(this.outbox);
    }
    if (!this.welcomed) this.attemptFailed();
    if (code === 4001) {
      this.emit("error", { code: "token_expired", message: reason || "token expired" });
    }
    if (this.wanted && this.options.reconnect) {
      this.scheduleReconnect({ code, reason, wasClean });
    } else {
      this.setState(State.CLOSED, { code, reason, wasClean });
    }
  }

  scheduleReconnect(detail = {}) {
    this.attempt++;
    const o = this.options;
    const base = Math.min(o.maxDelay, o.initialDelay * Math.pow(o.factor, this.attempt - 1));
    const delay = Math.round(base * (1 - o.jitter * Math.random()));
    this.setState(State.RECONNECTING, Object.assign({ delay }, detail));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // A probe still running (attemptFailed) first decides which transport and URL the attempt uses.
      Promise.resolve(this.probing).then(() => {
        if (this.wanted && !this.ws && !this.reconnectTimer) this.open(State.RECONNECTING);
      });
    }, delay);
  }

  /**
   * An attempt ended before the server's welcome. With several transports, asks whether the hub answers over plain
   * HTTP: if it does, this transport is what fails (a proxy refusing Upgrade, or buffering), and the next attempt
   * uses the next transport (after the last, the first again); if not, the server or node is down and, as with a
   * single transport, a node that never opened is left for the next URL.
   */
  attemptFailed() {
    const nextUrl = !this.openedOnce && this.urls.length > 1;
    if (this.kinds.length < 2 || !this.wanted || this.closedForGood) {
      if (nextUrl) this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      return;
    }
    const generation = ++this.probeGeneration;
    const probing = hubAnswersHttp(this.url, this.options.welcomeTimeout).then((answers) => {
      if (this.probing === probing) this.probing = null;
      if (generation !== this.probeGeneration) return;
      if (answers) {
        if (this.kindIndex === 0) this.fellBackAt = Date.now();
        this.kindIndex = (this.kindIndex + 1) % this.kinds.length;
      } else if (nextUrl) {
        this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      }
    });
    this.probing = probing;
  }

  /**
   * An HTTP transport's session outlives its requests until the server expires it (30 s): leave the topics now, so
   * the others see this client go at once, as when a WebSocket closes. The subscriptions stay, for a resume.
   */
  leaveTopicsOverHttp() {
    if (!(this.ws instanceof HttpTransport) || !this.isOpen()) return;
    for (const sub of this.subscriptions.values()) {
      if (sub.active) this.sendFrame({ type: "unsubscribe", topic: sub.topic });
    }
  }

  clearTimers() {
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.welcomeTimer);
    this.reconnectTimer = this.heartbeatTimer = this.deadlineTimer = this.welcomeTimer = null;
  }

  startHeartbeat() {
    const { heartbeatInterval, heartbeatTimeout } = this.options;
    if (!heartbeatInterval) return;
    this.heartbeatTimer = setInterval(() => {
      if (!this.isOpen()) return;
      const id = this.newId("h");
      this.pings.set(id, performance.now());
      if (this.pings.size > 16) this.pings.delete(this.pings.keys().next().value);
      this.sendFrame({ type: "ping", id });
      if (!this.deadlineTimer) {
        this.deadlineTimer = setTimeout(() => {
          this.emit("error", { code: "heartbeat_timeout", message: `no answer within ${heartbeatTimeout} ms` });
          this.dropConnection();
        }, heartbeatTimeout);
      }
    }, heartbeatInterval);
  }

  /** Anything arriving proves the connection alive: pongs queue behind messages on a busy link. */
  alive() {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
  }

  sendFrame(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  deliver(entry) {
    this.inflight.set(entry.frame.id, entry);
    this.sendFrame(entry.frame);
    if (!entry.wantsAck && !entry.sent) entry.resolve();
    entry.sent = true;
  }

  failOutbox(error) {
    const waiting = this.outbox;
    this.outbox = [];
    for (const entry of waiting) entry.reject(error);
  }

  sendSubscribe(sub) {
    const frame = { type: "subscribe", id: this.newId("s"), topic: sub.topic };
    if (sub.lastSeq !== null) {
      frame.since = sub.lastSeq;
    } else if (sub.options.history) {
      frame.history = sub.options.history;
    }
    sub.pendingSince = frame.since ?? null;
    sub.pendingHistory = frame.history ?? 0;
    this.pending.set(frame.id, { kind: "subscribe", sub, resolve: () => {}, reject: () => {} });
    this.sendFrame(frame);
  }

  handleFrame(f) {
    switch (f.type) {
      case "welcome":
        // Only a server that speaks the protocol resets the backoff: one that accepts and then says nothing
        // (or fails each time) keeps the delays growing.
        this.attempt = 0;
        this.welcomed = true;
        clearTimeout(this.welcomeTimer);
        this.welcomeTimer = null;
        this.welcome = f;
        this.emit("welcome", f);
        break;
      case "subscribed":
        this.pending.delete(f.id);
        this.onSubscribed(f);
        break;
      case "message": {
        const sub = this.subscriptions.get(f.topic);
        if (!sub || !sub.active) break;
        if (sub.lastSeq !== null && f.seq <= sub.lastSeq) break; // already delivered
        sub.lastSeq = f.seq;
        call(sub.onMessage, f);
        this.emit("message", f);
        break;
      }
      case "gap": {
        const sub = this.subscriptions.get(f.topic);
        if (!sub || !sub.active) break;
        if (sub.lastSeq === null || f.to > sub.lastSeq) sub.lastSeq = f.to;
        call(sub.options.onGap, { topic: f.topic, from: f.from, to: f.to, count: f.to - f.from + 1 });
        break;
      }
      case "join": {
        const sub = this.subscriptions.get(f.topic);
        if (!sub || !sub.active) break;
        if (!sub.members.some((m) => m.session === f.member.session)) sub.members.push(f.member);
        call(sub.options.onJoin, f.member);
        call(sub.options.onMembers, sub.members.slice());
        break;
      }
      case "leave": {
        const sub = this.subscriptions.get(f.topic);
        if (!sub || !sub.active) break;
        sub.members = sub.members.filter((m) => m.session !== f.member.session);
        call(sub.options.onLeave, f.member);
        call(sub.options.onMembers, sub.members.slice());
        break;
      }
      case "ack": {
        const entry = this.inflight.get(f.id);
        if (!entry) break;
        this.inflight.delete(f.id);
        if (entry.wantsAck) {
          const result = { topic: f.topic, seq: f.seq, ts: f.ts };
          if (f.duplicate) result.duplicate = true;
          entry.resolve(result);
        }
        break;
      }
      case "pong": {
        const sent = this.pings.get(f.id);
        this.pings.delete(f.id);
        if (sent !== undefined) this.emit("pong", { id: f.id, rtt: Math.round(performance.now() - sent) });
        break;
      }
      case "unsubscribed":
        this.pending.delete(f.id);
        break;
      case "error":
        this.onError(f);
        break;
      default:
        // Newer servers may send more types: ignore them.
        break;
    }
  }

  onSubscribed(f) {
    const sub = this.subscriptions.get(f.topic);
    if (!sub) return;
    const since = sub.pendingSince;
    sub.active = true;
    sub.members = Array.isArray(f.members) ? f.members.slice() : [];
    if (since !== null && f.seq < since) {
      // The server forgot more than we saw (its store was wiped): start again from its numbering.
      sub.lastSeq = f.seq;
      call(sub.options.onReset, { topic: f.topic, since, seq: f.seq });
    } else if (since !== null) {
      call(sub.options.onResume, { topic: f.topic, since, seq: f.seq, missed: f.seq - since });
    } else if (sub.pendingHistory > 0) {
      // The replayed history (seq > this) follows; nothing older than it is wanted.
      sub.lastSeq = Math.max(0, f.seq - sub.pendingHistory);
    } else {
      sub.lastSeq = f.seq;
    }
    sub.resolveReady(f);
    call(sub.options.onMembers, sub.members.slice());
  }

  onError(f) {
    const published = f.id ? this.inflight.get(f.id) : undefined;
    if (published) {
      this.inflight.delete(f.id);
      if (published.wantsAck) {
        published.reject(Object.assign(new Error(f.message || f.code),
            { code: f.code, id: f.id, key: published.frame.key }));
        return;
      }
    }
    const request = f.id ? this.pending.get(f.id) : undefined;
    const error = Object.assign(new Error(f.message || f.code), { code: f.code, id: f.id });
    if (request) {
      this.pending.delete(f.id);
      if (request.kind === "subscribe") {
        const sub = request.sub;
        if (this.subscriptions.get(sub.topic) === sub) this.subscriptions.delete(sub.topic);
        sub.closed = true;
        sub.rejectReady(error);
        call(sub.options.onError, { code: f.code, message: f.message });
      } else {
        request.reject(error);
      }
      return;
    }
    this.emit("error", { code: f.code, message: f.message, id: f.id, topic: f.topic });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Transports. Each is what the Hub needs of a WebSocket: readyState (0-3), bufferedAmount, send(text),
// close(code, reason), and the handlers onopen(), onmessage({data, frame?}), onclose({code, reason, wasClean}),
// onerror. The HTTP ones (docs/protocol.md, "HTTP transports") open when the server's welcome arrives, turn the
// server's {"type":"close"} message into onclose, and POST what is sent to /hub/send, one request at a time.

/** What each transport name opens, given the hub's ws(s):// URL (with name and token) and the options. */
const TRANSPORTS = Object.freeze({
  ws: (url, options) => new (options.WebSocket || globalThis.WebSocket)(url),
  sse: (url) => new SseTransport(url),
  longpoll: (url) => new LongPollTransport(url),
});

/** The http(s) URL of a path under the hub's: ("ws://h/hub?name=a", "/sse") → http://h/hub/sse?name=a. */
function httpUrl(hubUrl, suffix) {
  const u = new URL(hubUrl);
  u.protocol = u.protocol === "wss:" ? "https:" : "http:";
  u.pathname = u.pathname.replace(/\/$/, "") + suffix;
  return u;
}

/** The URL of a request in a transport session: the session's token names it (and stands in for name and token). */
function sessionUrl(hubUrl, suffix, session, ack) {
  const u = httpUrl(hubUrl, suffix);
  u.search = "";
  u.searchParams.set("session", session);
  if (ack) u.searchParams.set("ack", ack);
  return u;
}

/**
 * Whether the hub at this URL answers over plain HTTP: a POST to /hub/send without a session gets the hub's 404
 * "unknown_session" (shown as a failed request in the browser's console: it is the expected answer).
 */
async function hubAnswersHttp(hubUrl, timeout) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  try {
    const u = httpUrl(hubUrl, "/send");
    u.search = "";
    const response = await fetch(u, { method: "POST", body: "", cache: "no-store", signal: abort.signal });
    const body = await response.json();
    return response.status === 404 && body.code === "unknown_session";
  } catch (e) {
    return false; // unreachable, refused, or not the hub
  } finally {
    clearTimeout(timer);
  }
}

/** What the SSE and long-polling transports share: opening on the welcome, closing, and sending by POST. */
class HttpTransport {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.bufferedAmount = 0;
    /** The transport session's token, from the welcome. */
    this.session = null;
    this.queue = [];
    this.posting = false;
    this.maxBatch = 65536;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
  }

  send(text) {
    if (this.readyState !== 1) throw new Error("the transport is not open");
    this.queue.push(text);
    this.bufferedAmount += text.length;
    this.flush();
  }

  /** Ends the transport; onclose follows. A normal close (1000) still sends what is queued, unanswered. */
  close(code = 1000, reason = "") {
    if (this.readyState >= 2) return;
    if (code === 1000 && this.queue.length > 0) {
      this.post(this.takeBatch(Infinity).body, true).catch(() => {});
    }
    this.end({ code, reason, wasClean: true });
  }

  /** One message from the server, in order. `frame` is undefined when `data` is not JSON. */
  receive(data, frame) {
    if (this.readyState >= 2) return;
    if (frame && frame.type === "close") {
      this.end({ code: frame.code, reason: frame.reason || "", wasClean: true });
      return;
    }
    if (frame && frame.type === "welcome") {
      if (this.session) {
        // an EventSource reconnected to a session the server no longer had: it began a new one, without our
        // subscriptions; start again properly (resubscribing with since)
        this.end({ code: 4000, reason: "transport session lost", wasClean: false });
        return;
      }
      this.session = frame.transportSession;
      if (frame.limits && frame.limits.maxMessageBytes > 0) this.maxBatch = frame.limits.maxMessageBytes;
      this.readyState = 1;
      if (this.onopen) this.onopen();
    } else if (this.readyState !== 1) {
      this.end({ code: 1002, reason: "the first message was not the welcome", wasClean: false });
      return;
    }
    if (this.readyState === 1 && this.onmessage) this.onmessage({ data, frame });
  }

  end(event) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.stop();
    setTimeout(() => {
      if (this.onclose) this.onclose(event);
    }, 0);
  }

  /** The queued messages as one POST body (a JSON array when several), up to about `max` characters. */
  takeBatch(max) {
    let n = 0;
    let size = 0;
    while (n < this.queue.length && (n === 0 || size + this.queue[n].length <= max)) size += this.queue[n++].length;
    const batch = this.queue.splice(0, n);
    return { body: batch.length === 1 ? batch[0] : "[" + batch.join(",") + "]", size };
  }

  /** POSTs what is queued, one request at a time, so the server takes them in order. */
  async flush() {
    if (this.posting || this.readyState !== 1 || this.queue.length === 0) return;
    this.posting = true;
    const { body, size } = this.takeBatch(this.maxBatch);
    let failure = null;
    try {
      const response = await this.post(body, false);
      if (response.status !== 204) {
        failure = { code: response.status === 413 ? 1009 : 1006, reason: `POST answered ${response.status}` };
      }
    } catch (e) {
      failure = { code: 1006, reason: "POST failed: " + e.message };
    }
    this.posting = false;
    this.bufferedAmount = Math.max(0, this.bufferedAmount - size);
    if (failure) {
      // as a WebSocket that broke: what was sent may or may not have arrived; the Hub re-sends unacked publishes
      this.end(Object.assign(failure, { wasClean: false }));
    } else {
      this.flush();
    }
  }

  post(body, keepalive) {
    return fetch(sessionUrl(this.url, "/send", this.session, this.cursor()), {
      method: "POST", body, keepalive, cache: "no-store", headers: { "Content-Type": "text/plain;charset=UTF-8" },
    });
  }

  /** The ack to put on a POST (0: none). */
  cursor() {
    return 0;
  }
}

/**
 * Server → client over an EventSource on /hub/sse; its own reconnect (Last-Event-ID) resumes the session after a
 * stream broke. The transport ends when the stream fails before the welcome, is refused, or fails twice in a row.
 */
class SseTransport extends HttpTransport {
  constructor(url) {
    super(url);
    this.lastId = 0;
    this.retrying = false;
    const source = new EventSource(httpUrl(url, "/sse"));
    this.source = source;
    source.onopen = () => {
      this.retrying = false;
    };
    source.onmessage = (event) => {
      const id = event.lastEventId;
      const n = Number(id.slice(id.lastIndexOf(".") + 1));
      if (n > 0) this.lastId = n;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        // undefined: the Hub reports bad_frame
      }
      this.receive(event.data, frame);
    };
    source.onerror = () => {
      if (this.readyState === 1 && source.readyState === 0 && !this.retrying) {
        this.retrying = true; // the EventSource reconnects by itself, resuming after lastId
        return;
      }
      this.end({ code: 1006, reason: "the event stream failed", wasClean: false });
    };
  }

  /** POSTs acknowledge what the stream delivered, so the server can forget it early. */
  cursor() {
    return this.lastId;
  }

  stop() {
    this.source.close();
  }
}

/**
 * Server → client by long polling /hub/poll: each answer is a JSON array of the messages after `ack`, the number
 * received so far. A lost answer is polled again with the same ack; two failures in a row end the transport.
 */
class LongPollTransport extends HttpTransport {
  constructor(url) {
    super(url);
    this.received = 0;
    this.abort = new AbortController();
    this.loop();
  }

  async loop() {
    let failures = 0;
    while (this.readyState <= 1) {
      const u = this.session ? sessionUrl(this.url, "/poll", this.session, String(this.received))
          : httpUrl(this.url, "/poll");
      let list;
      try {
        const response = await fetch(u, { cache: "no-store", signal: this.abort.signal });
        if (response.status !== 200) {
          this.end({ code: 1006, reason: `poll answered ${response.status}`, wasClean: false });
          return;
        }
        list = await response.json();
        if (!Array.isArray(list)) throw new Error("not a JSON array");
      } catch (e) {
        if (this.readyState > 1) return;
        if (!this.session || ++failures >= 2) {
          this.end({ code: 1006, reason: "poll failed: " + e.message, wasClean: false });
          return;
        }
        continue;
      }
      failures = 0;
      for (const frame of list) {
        if (this.readyState > 1) return;
        this.received++;
        this.receive(undefined, frame);
      }
    }
  }

  stop() {
    this.abort.abort();
  }
}

/** A random publish key: 128 bits as 32 hex digits (crypto.getRandomValues works outside secure contexts too). */
function randomKey() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let key = "";
  for (const b of bytes) key += b.toString(16).padStart(2, "0");
  return key;
}

function call(fn, value) {
  if (typeof fn !== "function") return;
  try {
    fn(value);
  } catch (e) {
    console.error("duplex: a callback threw", e);
  }
}

function resolveUrl(url) {
  const page = typeof location !== "undefined" ? location : null;
  if (!url) url = "/hub";
  if (/^wss?:\/\//i.test(url)) return url;
  if (!page) throw new Error("a relative hub URL needs a page: give ws://host:port/hub");
  const u = new URL(url, page.href);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  return u.toString();
}
