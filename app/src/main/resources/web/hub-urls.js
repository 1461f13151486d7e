// The hub URLs for duplex.js: this page's own node first, then the other nodes the server lists in
// /hub-urls.json (`duplex serve --hub-urls`), so the page moves to another node when its own is unreachable.

/** Resolves to ["ws(s)://<this host>/hub", ...other nodes]; just this page's own when there is no list. */
export async function hubUrls() {
  const own = new URL("/hub", location.href);
  own.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const urls = [own.href];
  let listed = [];
  try {
    const response = await fetch("/hub-urls.json", { cache: "no-cache" });
    if (response.ok) listed = await response.json();
  } catch (e) {
    // no list (an older server, or none reachable): this node only
  }
  for (const url of Array.isArray(listed) ? listed : []) {
    if (typeof url !== "string" || !/^wss?:\/\//i.test(url)) continue;
    const href = new URL(url).href;
    if (!urls.includes(href)) urls.push(href);
  }
  return urls;
}
