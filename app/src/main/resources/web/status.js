// Shared by the demo pages: the connection badge, with a countdown while a reconnect waits, and the transport.
//
//   trackConnection(hub, document.getElementById("status"), (state, text) => ...);
//   showTransport(hub, document.getElementById("transport"));
//
// The badge's data-state is the hub's state (connecting, open, reconnecting, closing, closed); its text is the
// state, or "reconnecting in N s" while the backoff waits. `onChange(state, text)` gets the same after every
// change and every second of a countdown, with text such as "Reconnecting in 3 s…" for longer labels.

const TRANSPORT_NAMES = { ws: "WebSocket", sse: "Server-Sent Events", longpoll: "long polling" };

/**
 * Shows the transport in use ("via WebSocket", "via Server-Sent Events", "via long polling") in `element`, with
 * data-transport = ws, sse or longpoll; hidden until the first connection opens.
 */
export function showTransport(hub, element) {
  const show = () => {
    if (!hub.transport) return;
    element.hidden = false;
    element.dataset.transport = hub.transport;
    element.textContent = "via " + (TRANSPORT_NAMES[hub.transport] || hub.transport);
  };
  hub.on("transport", show);
  show();
}

/**
 * The transports a page's ?transport=sse,longpoll asks for (to force them), else undefined: duplex.js's default.
 * Unknown names are left out.
 */
export function transportsFromUrl(params) {
  const asked = (params.get("transport") || "").split(",").map((t) => t.trim()).filter((t) => t in TRANSPORT_NAMES);
  return asked.length > 0 ? asked : undefined;
}

export function trackConnection(hub, badge, onChange = () => {}) {
  let countdown = null;
  const show = (state, badgeText, text) => {
    badge.dataset.state = state;
    badge.textContent = badgeText;
    onChange(state, text);
  };
  hub.on("state", (e) => {
    clearInterval(countdown);
    countdown = null;
    if (e.state === "reconnecting" && e.delay !== undefined) {
      const deadline = performance.now() + e.delay;
      const tick = () => {
        const seconds = Math.max(1, Math.ceil((deadline - performance.now()) / 1000));
        show("reconnecting", `reconnecting in ${seconds} s`, `Reconnecting in ${seconds} s…`);
      };
      tick();
      countdown = setInterval(tick, 250);
    } else if (e.state === "reconnecting") {
      show("reconnecting", "reconnecting…", "Reconnecting…");
    } else {
      const label = { connecting: "Connecting…", open: "Connected", closing: "Closing…", closed: "Offline" };
      show(e.state, e.state, label[e.state] || e.state);
    }
  });
}
