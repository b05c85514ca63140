// BUUV's service worker: the app starts offline, photos and public data are kept as they are
// used, and nothing of one member is kept for the next (pwa.js clearPrivate at logout).
//
// Caches (names shared with pwa.js):
// - buuv-shell-<version>: this build's app (precached at install; the back office's files when
//   first opened), replaced by the next build;
// - buuv-public-v1: photos and /api data the server marked "Cache-Control: public" (a photo is
//   asked for again each time it shows, and goes once its post has closed or gone; unseen, it
//   goes after PHOTO_LIFETIME_MS at the latest);
// - buuv-user-v1: any other cacheable /api answer (members-only photos...): wiped at logout.
//   Caches the app adds later are wiped at logout too, unless their name starts with
//   "buuv-shell-" or "buuv-public-".
// Never handled here: the /_event websocket and Reflex's other endpoints, any non-GET request,
// other origins.

// Filled in after each production build by buuv_app/pwa/precache.py (PrecachePlugin):
// {version, files, pages: {"/hulp": "/hulp/index.html", ...}, fallback, onDemand: [route modules of
// the back office, which is fetched and kept when first opened]}. Null in development: then this
// worker caches nothing.
const BUILD = null;

const SHELL_PREFIX = "buuv-shell-";
const SHELL = SHELL_PREFIX + (BUILD ? BUILD.version : "dev");
const PUBLIC_CACHE = "buuv-public-v1";
const USER_CACHE = "buuv-user-v1";
const KEPT_AT_LOGOUT = [SHELL_PREFIX, "buuv-public-"];
const RUNTIME_ENTRIES = 300; // per runtime cache; the oldest go first
// A kept photo that has not been shown (and so checked) for a week goes: its post may be gone.
const PHOTO_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const KEPT_AT = "X-Buuv-Kept-At"; // when a runtime copy was kept (ms since 1970), a header of the copy
// A page comes from the network while it answers within this time (a new build shows at once);
// offline, or on a connection that hangs, from the cache.
const NETWORK_TIMEOUT_MS = 3000;
// Reflex serves static files with "Vary: Accept-Encoding" (and Origin): the bytes are the same.
const MATCH = { ignoreVary: true };
const BACKEND = ["/_event", "/_upload", "/ping", "/_health", "/_all_routes", "/auth-codespace", "/api/"];

const precached = new Set(BUILD ? BUILD.files : []);
const onDemand = new Set((BUILD && BUILD.onDemand) || []);
// The route module of a back-office page that is not on this device, answered when offline: React
// Router would otherwise reload the page for ever (it reloads when a route module fails to load).
// The page starts empty, the offline view (offline.js) says it was not opened on this device, and
// it loads for real once the connection is back.
const NOT_ON_DEVICE = 'addEventListener("online", () => location.reload(), { once: true });\n'
  + "export default function NotOnThisDevice() { return null; }\n";

self.addEventListener("install", (event) => {
  if (!BUILD) return;
  event.waitUntil(
    caches.open(SHELL).then((cache) =>
      // "no-cache": ask the server (a cheap 304 for what the page just loaded), so an older
      // build's file never comes out of the HTTP cache into this build's precache.
      cache.addAll(BUILD.files.map((url) => new Request(url, { cache: "no-cache" })))),
  );
  // No skipWaiting here: a new build waits until the person taps "Nieuwe versie — herladen"
  // (pwa.js), so an open page never mixes the files of two builds. The very first install
  // has no page to wait for and takes over at once (clients.claim below).
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // Older builds, and runtime caches of an older naming (a v2 replaces v1).
    const current = [SHELL, PUBLIC_CACHE, USER_CACHE];
    for (const name of await caches.keys()) {
      const ours = [SHELL_PREFIX, "buuv-public-", "buuv-user-"].some((prefix) => name.startsWith(prefix));
      if (ours && !current.includes(name)) await caches.delete(name);
    }
    await dropExpiredPhotos();
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") self.skipWaiting();
  else if (type === "CLEAR_PRIVATE") event.waitUntil(clearPrivateCaches());
});

async function clearPrivateCaches() {
  for (const name of await caches.keys()) {
    if (!KEPT_AT_LOGOUT.some((prefix) => name.startsWith(prefix))) await caches.delete(name);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!BUILD || request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate") {
    if (isAppPage(path)) event.respondWith(page(event, path));
  } else if (precached.has(path) || path.startsWith("/assets/")) {
    event.respondWith(shellFile(event, path));
  } else if (path.startsWith("/api/photos/")) {
    event.respondWith(photo(event));
  } else if (path.startsWith("/api/")) {
    event.respondWith(networkFirst(event));
  }
});

// A page of the app rather than a file or a backend address: /hulp/12 yes, /sitemap.xml no.
function isAppPage(path) {
  if (BACKEND.some((prefix) => path === prefix.replace(/\/$/, "") || path.startsWith(prefix))) return false;
  const last = path.split("/").pop();
  return !last.includes(".") || last.endsWith(".html");
}

async function cachedPage(path) {
  const address = path.replace(/\/+$/, "") || "/";
  const cache = await caches.open(SHELL);
  // Dynamic routes (/hulp/12, /buurt/merenwijk) are not prerendered: the SPA fallback boots the
  // router, which renders the right page (or the friendly 404) on the device.
  return (await cache.match(BUILD.pages[address] || BUILD.fallback, MATCH))
    || (await cache.match(BUILD.fallback, MATCH));
}

async function page(event, path) {
  const network = fetch(event.request);
  network.catch(() => {}); // answered from the cache below; no unhandled rejection
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS, null));
  try {
    const response = await Promise.race([network, timeout]);
    if (response && response.status < 500) return response;
  } catch (_) {
    // offline
  }
  return (await cachedPage(path)) || network;
}

async function shellFile(event, path) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(event.request, MATCH);
  if (hit) return hit;
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    if (!onDemand.has(path)) throw error;
    return new Response(NOT_ON_DEVICE, {
      headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  // Hashed build files that were not precached (the back office, fonts), or those of a newer build
  // that a page fetched before this worker was replaced: the same name never has other bytes.
  if (response.ok && path.startsWith("/assets/")) event.waitUntil(cache.put(event.request, response.clone()));
  return response;
}

// caches.open() makes a cache that is not there: reading or deleting from one must not bring back
// the member's cache that a logout wiped (a public photo kept afterwards did just that).
async function existing(name) {
  return (await caches.has(name)) ? caches.open(name) : null;
}

async function runtimeMatch(request) {
  for (const name of [PUBLIC_CACHE, USER_CACHE]) {
    const cache = await existing(name);
    const hit = cache && (await cache.match(request, MATCH));
    if (hit) return hit;
  }
  return undefined;
}

// A photo's bytes never change under its (unguessable) key, but whether it may still be shown
// does: the kept copy answers at once (and offline) while the server is asked again behind it
// (a cheap 304). When its post has closed or gone, the answer is a 404 or "no-store": the kept
// copy goes, so the next look finds nothing.
async function photo(event) {
  let hit = await runtimeMatch(event.request);
  if (hit && expired(hit)) {
    await forget(event.request);
    hit = undefined;
  }
  const network = fetch(event.request);
  const checked = inRequestOrder(event.request.url, async () => {
    const response = await network;
    if (shownNoMore(response)) await forget(event.request);
    else await keep(event.request, response.clone());
    return response;
  });
  if (!hit) return checked;
  event.waitUntil(checked.catch(() => {})); // offline: the kept copy stands
  return hit;
}

// The answers about one photo change its kept copy in the order they were asked for, not the order
// they arrive: a slow "200" asked before its post closed must not put back the copy that a later
// "404" took away.
const photoUpdates = new Map(); // url -> the last queued update of that photo

function inRequestOrder(url, update) {
  const next = (photoUpdates.get(url) || Promise.resolve()).catch(() => {}).then(update);
  photoUpdates.set(url, next);
  const done = () => { if (photoUpdates.get(url) === next) photoUpdates.delete(url); };
  next.then(done, done);
  return next;
}

function shownNoMore(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return [401, 403, 404, 410].includes(response.status) || control.includes("no-store");
}

function expired(response) {
  const keptAt = Number(response.headers.get(KEPT_AT) || 0);
  return Date.now() - keptAt > PHOTO_LIFETIME_MS;
}

async function forget(request) {
  for (const name of [PUBLIC_CACHE, USER_CACHE]) {
    const cache = await existing(name);
    if (cache) await cache.delete(request, MATCH);
  }
}

async function dropExpiredPhotos() {
  for (const name of [PUBLIC_CACHE, USER_CACHE]) {
    const cache = await existing(name);
    if (!cache) continue;
    for (const request of await cache.keys()) {
      if (!new URL(request.url).pathname.startsWith("/api/photos/")) continue;
      const kept = await cache.match(request, MATCH);
      if (!kept || expired(kept)) await cache.delete(request, MATCH);
    }
  }
}

async function networkFirst(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(event.request, response.clone()));
    return response;
  } catch (error) {
    const hit = await runtimeMatch(event.request);
    if (hit) return hit;
    throw error;
  }
}

// The server decides: "no-store" is never kept, "public" survives a logout, anything else is
// treated as one member's data.
function runtimeCacheFor(response) {
  if (response.status !== 200 || response.type !== "basic") return null;
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  if (control.includes("no-store")) return null;
  return /(^|[\s,])public([\s,]|$)/.test(control) ? PUBLIC_CACHE : USER_CACHE;
}

async function keep(request, response) {
  const name = runtimeCacheFor(response);
  if (!name) return;
  // Kept in one runtime cache only: a photo that is now members-only leaves the public one.
  for (const other of [PUBLIC_CACHE, USER_CACHE]) {
    const cache = other !== name ? await existing(other) : null;
    if (cache) await cache.delete(request, MATCH);
  }
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  const copy = new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
  const cache = await caches.open(name);
  await cache.put(request, copy);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - RUNTIME_ENTRIES))) await cache.delete(old);
}

// Push notifications (the server: services/notifications.py). The payload is small: an id, a title
// already in the member's language, a link, and a text only when the member chose "toon de tekst".
// A push without a payload (or an unreadable one) still shows something: browsers require it.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = {};
  }
  const title = typeof data.title === "string" && data.title ? data.title : "BUUV";
  const options = {
    body: typeof data.body === "string" ? data.body : "",
    tag: typeof data.id === "string" ? data.id : undefined, // the same push twice shows once
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { url: sameOriginPath(data.url) },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

// Only a path on this site is opened, whatever a payload says.
function sameOriginPath(url) {
  if (typeof url !== "string" || !url.startsWith("/") || url.startsWith("//")) return "/";
  return url;
}

// A tap on a notification: a tab already on that page comes forward; otherwise an open tab of the
// app goes there; otherwise a new window opens. (Also called by tests/e2e/test_push.py.)
async function openFromNotification(notification) {
  notification.close();
  const path = sameOriginPath(notification.data && notification.data.url);
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = windows.find((client) => client.url === target);
  if (same) return same.focus();
  for (const client of windows) {
    try {
      const navigated = await client.navigate(target);
      if (navigated) {
        await navigated.focus().catch(() => {}); // allowed only in a real tap
        return navigated;
      }
    } catch (_) {
      // a tab this worker does not control cannot be navigated: try the next, or a new window
    }
  }
  return self.clients.openWindow(target);
}

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(openFromNotification(event.notification));
});
