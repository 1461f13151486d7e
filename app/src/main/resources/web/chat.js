// The chat page: one room at a time, presence list, history on join, resume after reconnect.
import { connect } from "/duplex.js";

const $ = (id) => document.getElementById(id);
// ?token=<JWT> is passed on to the hub when the server requires tokens (--token-secret).
const params = new URLSearchParams(location.search);
const status = $("status");
const messages = $("messages");
const membersList = $("members");
const toggle = $("toggle-online");

/** State the tests (and curious people) can look at: window.chat. */
const chat = { hub: null, room: null, subscription: null };
window.chat = chat;

function showState(state) {
  status.textContent = state;
  status.dataset.state = state;
  toggle.textContent = state === "closed" ? "Reconnect" : "Go offline";
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
  if (chat.hub.session && m.from.session === chat.hub.session.session) li.classList.add("mine");
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

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("name").value.trim();
  const room = $("room").value.trim();
  if (!name || !room) return;
  localStorage.setItem("duplex.name", name);
  chat.hub = connect("/hub", { name, token: params.get("token") || undefined });
  chat.hub.on("state", (e) => showState(e.state));
  chat.hub.on("welcome", (w) => { $("me").textContent = w.name; });
  chat.hub.on("error", (e) => notice(`error: ${e.message || e.code}`, "gap"));
  showState(chat.hub.state);
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
  chat.hub.publish(chat.room, { text }, { ack: true })
      .catch((e) => notice(`not sent: ${e.message}`, "gap"));
});

toggle.addEventListener("click", () => {
  if (chat.hub.state === "closed") chat.hub.reconnect();
  else chat.hub.disconnect();
});

// ?name=alice&room=lobby fills the form (and joins when both are given).
$("name").value = params.get("name") || localStorage.getItem("duplex.name") || "";
if (params.get("room")) $("room").value = params.get("room");
if (params.get("name") && params.get("room")) $("join-form").requestSubmit();
