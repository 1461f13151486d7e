// The live-data page: renders a stream of server-pushed updates ({"value": number, ...}) as a list and a chart.
import { connect } from "/duplex.js";
import { showTransport, trackConnection, transportsFromUrl } from "/status.js";
import { hubUrls } from "/hub-urls.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const topic = params.get("topic") || "live.demo";
const POINTS = 60;
const LIST = 30;

const live = {
  hub: connect(await hubUrls(), {
    name: "live-viewer", token: params.get("token") || undefined, maxDelay: 5000, transports: transportsFromUrl(params),
  }),
  values: [], count: 0, arrivals: [], started: performance.now(),
};
window.live = live;
$("topic").textContent = topic;

// The figures follow every state change at once (not only the 250 ms refresh), so the badge and readyState agree.
trackConnection(live.hub, $("status"), showFigures);
showTransport(live.hub, $("transport"));

function showFigures() {
  $("ready-state").textContent = live.hub.readyState;
  $("buffered").textContent = live.hub.bufferedAmount;
}

live.hub.subscribe(topic, (m) => {
  const value = typeof m.data === "number" ? m.data : Number(m.data && m.data.value);
  if (!Number.isFinite(value)) return;
  live.count++;
  if (!m.replay) live.arrivals.push(performance.now());
  live.values.push(value);
  if (live.values.length > POINTS) live.values.shift();
  $("count").textContent = live.count;
  $("latest").textContent = value.toFixed(2);
  const li = document.createElement("li");
  li.dataset.seq = m.seq;
  const seq = document.createElement("span");
  seq.className = "seq";
  seq.textContent = "#" + m.seq + " " + new Date(m.ts).toLocaleTimeString();
  const v = document.createElement("span");
  v.className = "value";
  v.textContent = value.toFixed(2);
  li.append(seq, v);
  const list = $("updates");
  list.prepend(li);
  while (list.children.length > LIST) list.lastElementChild.remove();
  drawSoon();
}, { history: POINTS });

let drawPending = false;
function drawSoon() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

function draw() {
  const vs = live.values;
  if (vs.length === 0) return;
  const min = Math.min(...vs);
  const max = Math.max(...vs);
  const span = max - min || 1;
  const left = 40, right = 590, top = 20, bottom = 280;
  const step = (right - left) / (POINTS - 1);
  const x0 = right - (vs.length - 1) * step;
  const points = vs.map((v, i) => `${(x0 + i * step).toFixed(1)},${(bottom - (v - min) / span * (bottom - top)).toFixed(1)}`);
  $("chart-line").setAttribute("points", points.join(" "));
  $("chart-area").setAttribute("points", `${x0.toFixed(1)},${bottom} ${points.join(" ")} ${right},${bottom}`);
  $("chart-max").textContent = max.toFixed(1);
  $("chart-min").textContent = min.toFixed(1);
}

// Connection figures refresh four times a second, whatever the message rate.
setInterval(() => {
  showFigures();
  const now = performance.now();
  while (live.arrivals.length && live.arrivals[0] < now - 5000) live.arrivals.shift();
  const span = Math.min(5000, now - live.started) / 1000;
  $("rate").textContent = span > 0.5 ? (live.arrivals.length / span).toFixed(1) : "0.0";
}, 250);
