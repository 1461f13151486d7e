// Shared by the demo pages: the connection badge, with a countdown while a reconnect waits.
//
//   trackConnection(hub, document.getElementById("status"), (state, text) => ...);
//
// The badge's data-state is the hub's state (connecting, open, reconnecting, closing, closed); its text is the
// state, or "reconnecting in N s" while the backoff waits. `onChange(state, text)` gets the same after every
// change and every second of a countdown, with text such as "Reconnecting in 3 s…" for longer labels.

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
