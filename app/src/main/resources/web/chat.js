// The chat page: one room at a time, presence list, history on join, resume after reconnect.
import { connect } from "/duplex.js";
import { showTransport, trackConnection, transportsFromUrl } from "/status.js";
import { hubUrls } from "/hub-urls.js";

const $ = (id) => document.getElementById(id);
// ?token=<JWT> is passed on to the hub when the server requires tokens (--token-secret).
const params = new URLSearchParams(location.search);
const status = $("status");
const messages = $("messages");
const membersList = $("members");
const toggle = $("toggle-online");
// Every node's hub (this one first), asked for once, at load: the join waits for it.
const urls = hubUrls();
let joining = false;

// Who "I" am across reloads and tabs: a random client id in localStorage, put into every message this browser
// sends ({text, client}), so the page marks its own messages, history included, whatever session sent them.
const clientId = remembered(localStorage, "duplex.client", () => randomId(12));
// This tab's id (sessionStorage survives a reload): the key of the tab's entry in the nickname registry.
const tabId = remembered(sessionStorage, "duplex.tab", () => randomId(8));

/** State the tests (and curious people) can look at: window.chat. */
const chat = { hub: null, room: null, subscription: null, clientId };
window.chat = chat;

function randomId(length) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => "abcdefghijkmnpqrstuvwxyz23456789"[b % 32]).join("");
}

function remembered(storage, key, make) {
  let value = storage.getItem(key);
  if (!value) {
    value = make();
    storage.setItem(key, value);
  }
  return value;
}

// Nicknames in use by this browser's other tabs, so two tabs do not both offer "alice": each tab keeps
// {name, seen} under its id in localStorage while open (refreshed every 5 s, dropped when the tab goes away).
const TABS = "duplex.tabs";
function otherTabsNames() {
  let all = {};
  try {
    all = JSON.parse(localStorage.getItem(TABS) || "{}");
  } catch (e) {
    // a damaged entry: start again
  }
  const now = Date.now();
  return Object.entries(all).filter(([tab, v]) => tab !== tabId && now - v.seen < 15000).map(([, v]) => v.name);
}
function claimName(name) {
  let all = {};
  try {
    all = JSON.parse(localStorage.getItem(TABS) || "{}");
  } catch (e) {
    // rewritten below
  }
  const now = Date.now();
  for (const [tab, v] of Object.entries(all)) if (now - v.seen >= 15000) delete all[tab];
  if (name) all[tabId] = { name, seen: now };
  else delete all[tabId];
  localStorage.setItem(TABS, JSON.stringify(all));
}
setInterval(() => claimName(chat.name || $("name").value.trim()), 5000);
addEventListener("pagehide", () => claimName(null));

/**
 * The nickname to offer: this tab's own, else the one last chosen in this browser unless another open tab uses
 * it, else a variant of it (alice-k3x); empty when none was ever chosen.
 */
function offeredName() {
  const own = sessionStorage.getItem("duplex.name");
  if (own) return own;
  const last = localStorage.getItem("duplex.name");
  const taken = otherTabsNames();
  if (!last) return ""; // nothing chosen yet in this browser: the placeholder shows
  if (!taken.includes(last)) return last;
  let name;
  do name = `${last}-${randomId(3)}`; while (taken.includes(name));
  return name;
}

function showState(state, text) {
  toggle.textContent = state === "closed" ? "Reconnect" : "Go offline";
  $("connection").textContent = state === "open" ? "Connected as" : `${text} —`;
}

function atBottom() {
  return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
}

function append(li) {
  const stick = atBottom();
  messages.append(li);
  if (stick) messages.scrollTop = messages.scrollHeight;
}

function notice(text, kind) {
  const li = document.createElement("li");
  li.className = "notice " + kind;
  li.textContent = text;
  append(li);
}

function showMessage(m) {
  const li = document.createElement("li");
  li.className = "msg";
  if (m.replay) li.classList.add("replay");
  if (m.data && m.data.client === clientId) li.classList.add("mine");
  li.dataset.seq = m.seq;
  const time = document.createElement("time");
  time.className = "time";
  const when = new Date(m.ts);
  time.dateTime = when.toISOString();
  time.textContent = when.toLocaleTimeString();
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = m.from.name;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = m.data && typeof m.data.text === "string" ? m.data.text : JSON.stringify(m.data);
  li.append(time, from, text);
  append(li);
}

function showMembers(members) {
  $("member-count").textContent = members.length;
  membersList.replaceChildren(...members.map((m) => {
    const li = document.createElement("li");
    li.textContent = m.name;
    li.dataset.session = m.session;
    if (chat.hub.session && m.session === chat.hub.session.session) li.classList.add("me");
    return li;
  }));
}

function enter(room) {
  if (chat.subscription) chat.subscription.unsubscribe();
  chat.room = room;
  messages.replaceChildren();
  $("room-title").textContent = room;
  const url = new URL(location.href);
  url.searchParams.set("room", room);
  history.replaceState(null, "", url);
  sessionStorage.setItem("duplex.room", room);
  notice(`joined ${room}`, "joined");
  chat.subscription = chat.hub.subscribe(room, showMessage, {
    history: 50,
    onMembers: showMembers,
    onJoin: (m) => notice(`${m.name} joined`, "join"),
    onLeave: (m) => notice(`${m.name} left`, "leave"),
    onGap: (g) => notice(`${g.count} message${g.count === 1 ? "" : "s"} (#${g.from}-#${g.to}) no longer available`, "gap"),
    onResume: (r) => notice(r.missed === 0 ? "reconnected: nothing missed"
        : `reconnected: missed ${r.missed} message${r.missed === 1 ? "" : "s"}`, "resume"),
    onReset: () => notice("the server was reset: numbering starts again", "gap"),
    onError: (e) => notice(`cannot join ${room}: ${e.message}`, "gap"),
  });
}

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("name").value.trim();
  const room = $("room").value.trim();
  if (!name || !room || joining) return;
  joining = true;
  localStorage.setItem("duplex.name", name);
  sessionStorage.setItem("duplex.name", name); // a reload of this tab joins again, as this name
  chat.name = name;
  claimName(name);
  $("me").textContent = name;
  chat.hub = connect(await urls, {
    name, token: params.get("token") || undefined, maxDelay: 5000, transports: transportsFromUrl(params),
  });
  trackConnection(chat.hub, status, showState);
  showTransport(chat.hub, $("transport"));
  chat.hub.on("welcome", (w) => { $("me").textContent = w.name; });
  chat.hub.on("error", (e) => notice(`error: ${e.message || e.code}`, "gap"));
  $("join").hidden = true;
  $("chat").hidden = false;
  enter(room);
  $("message").focus();
});

$("switch-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const room = $("switch-room").value.trim();
  if (room && room !== chat.room) enter(room);
  $("switch-room").value = "";
});

$("send-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("message");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  chat.hub.publish(chat.room, { text, client: clientId }, { ack: true })
      .catch((e) => notice(`not sent: ${e.message}`, "gap"));
});

toggle.addEventListener("click", () => {
  if (chat.hub.state === "closed") chat.hub.reconnect();
  else chat.hub.disconnect();
});

// ?name=alice&room=lobby fills the form (and joins when both are given); a reload of a tab that had joined
// joins again (nickname and room from sessionStorage, the room in the URL winning).
const rejoin = sessionStorage.getItem("duplex.name") && !params.get("name");
$("name").value = params.get("name") || offeredName();
claimName($("name").value);
const room = params.get("room") || (rejoin && sessionStorage.getItem("duplex.room"));
if (room) $("room").value = room;
if ((params.get("name") && params.get("room")) || rejoin) {
  status.dataset.state = "connecting";
  status.textContent = "connecting";
  $("join-form").requestSubmit();
}
