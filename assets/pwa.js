// BUUV as an installable app, in the browser: registers the service worker (sw.js), shows
// "Installeer" when the browser offers installation and "Nieuwe versie — herladen" when a new
// build is waiting, and window.buuvPwa.clearPrivate() wipes one member's data from the device
// (called at logout by AppState.log_out).
//
// Shared devices: the device remembers whose data it holds (a marker the server makes from the
// member, "buuv:member"). Every page tells it who is logged in now (buuvPwa.member, from
// AppState.load_viewer); when that is somebody else, or nobody any more (the session expired or
// was ended elsewhere), the device is wiped before anything of the new visitor is kept. Offline
// copies (offline.js) and outbox items (outbox.js) carry the marker too and are only used for it.
//
// Loaded in <head>, before the page hydrates: beforeinstallprompt may fire early, and all of this
// must work without the server (offline). The buttons are part of the pages (layout.py, home.py),
// hidden by assets/buuv.css until this script flags <html data-pwa-install / data-pwa-update>.
(function () {
  var root = document.documentElement;
  var installPrompt = null;
  var waitingWorker = null;
  var reloadOnTakeover = false;
  // The same names as in sw.js: every other cache holds data of whoever is logged in.
  var KEPT_CACHES = ["buuv-shell-", "buuv-public-"];
  // Reflex's own sessionStorage keys (the tab's connection token, its reload cooldown).
  var KEPT_SESSION_KEYS = ["token", "reflex_last_reloaded_on_error"];
  var UPDATE_CHECK_MS = 60 * 60 * 1000;

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault(); // no mini-infobar: the home page offers it in plain words
    installPrompt = event;
    root.setAttribute("data-pwa-install", "ready");
  });
  window.addEventListener("appinstalled", function () {
    installPrompt = null;
    root.removeAttribute("data-pwa-install");
  });

  function install() {
    if (!installPrompt) return;
    var prompt = installPrompt;
    installPrompt = null; // a prompt can be shown once; the browser fires a new event if it may ask again
    root.removeAttribute("data-pwa-install");
    prompt.prompt();
  }

  function offerUpdate(worker) {
    waitingWorker = worker;
    root.setAttribute("data-pwa-update", "ready");
  }

  function applyUpdate() {
    reloadOnTakeover = true;
    if (waitingWorker) waitingWorker.postMessage({ type: "SKIP_WAITING" });
    else window.location.reload();
  }

  // Reflex shows its own English "A new version of this app is available" banner when the page
  // and the server are of different builds (and it already reloaded once): ours says it instead.
  // Watched from when the browser is first idle (the banner comes after a round trip to the
  // server, long after hydration): observing React's whole first render cost start-up time.
  function replaceBanner() {
    var banner = document.getElementById("reflex-new-version-banner");
    if (!banner) return;
    banner.remove();
    root.setAttribute("data-pwa-update", "ready");
  }
  function watchBanner() {
    replaceBanner();
    new MutationObserver(replaceBanner).observe(root, { childList: true, subtree: true });
  }
  if (window.requestIdleCallback) requestIdleCallback(watchBanner, { timeout: 2000 });
  else setTimeout(watchBanner, 200);

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("#pwa-install")) install();
    else if (target.closest("#pwa-reload")) applyUpdate();
  });

  function clearStorage(storage, keep) {
    try {
      for (var i = storage.length - 1; i >= 0; i--) {
        var key = storage.key(i);
        if (keep.indexOf(key) < 0) storage.removeItem(key);
      }
    } catch (_) {
      // storage disabled: nothing kept there
    }
  }

  function deleteDatabase(name) {
    return new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(name);
      // "blocked": an open connection still uses it; it goes as soon as that closes.
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  var MEMBER = "buuv:member";
  var OUTBOXES = ["buuv:outbox:messages", "buuv:outbox:posts"];

  function storedMember() {
    try { return localStorage.getItem(MEMBER) || ""; } catch (_) { return ""; }
  }

  function waitingItems() {
    var count = 0;
    OUTBOXES.forEach(function (key) {
      try {
        var items = JSON.parse(localStorage.getItem(key) || "[]");
        if (Array.isArray(items)) count += items.length;
      } catch (_) { /* unreadable: nothing to count */ }
    });
    return count;
  }

  // A line at the bottom of the page that stays until it is closed: the person who just logged out
  // (or whose session ended) learns that what they had queued did not go out. It says nothing of
  // what it was: the next person may be reading.
  function showNotice(notice) {
    if (!notice || !notice.text || !document.body) return;
    var old = document.getElementById("device-notice");
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = "device-notice";
    box.className = "device-notice";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = notice.text;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = notice.close || "OK";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(text);
    box.appendChild(close);
    document.body.appendChild(box);
  }

  window.buuvPwa = {
    // Remove what the device keeps for whoever was logged in: every cache but the app and the
    // public data, every IndexedDB database, localStorage (with the member marker and both
    // outboxes), and sessionStorage apart from Reflex's connection token. `notice` ({text, close},
    // in the visitor's language) is shown when queued items are dropped unsent. Returns a
    // promise; safe to call when nothing is stored.
    clearPrivate: function (notice) {
      var jobs = [];
      var dropped = waitingItems();
      // Feature scripts that keep things on the device clear their own first (offline copies).
      if (window.buuvOffline && typeof window.buuvOffline.clear === "function") {
        try { jobs.push(Promise.resolve(window.buuvOffline.clear())); } catch (_) { /* wiped below anyway */ }
      }
      // This device's push subscription goes too (assets/push.js); the server dropped it at logout.
      if (window.buuvPush && typeof window.buuvPush.forgetDevice === "function") {
        try { jobs.push(Promise.resolve(window.buuvPush.forgetDevice())); } catch (_) { /* nothing to forget */ }
      }
      // "Grotere letters" (assets/lang.js) is how this device reads, not anyone's data: it stays.
      clearStorage(window.localStorage, ["buuv_text_size"]);
      clearStorage(window.sessionStorage, KEPT_SESSION_KEYS);
      if (window.caches) {
        jobs.push(caches.keys().then(function (names) {
          return Promise.all(names.filter(function (name) {
            return !KEPT_CACHES.some(function (prefix) { return name.indexOf(prefix) === 0; });
          }).map(function (name) { return caches.delete(name); }));
        }));
      }
      if (window.indexedDB && indexedDB.databases) {
        jobs.push(indexedDB.databases().then(function (databases) {
          return Promise.all(databases.map(function (database) { return deleteDatabase(database.name); }));
        }));
      }
      // The worker may be writing a response into a cache right now: it clears behind itself too.
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "CLEAR_PRIVATE" });
      }
      if (dropped) showNotice(notice);
      return Promise.all(jobs);
    },
    // Who is logged in now ("" for nobody), by the server's marker: the device is wiped when it
    // holds another member's data, then remembers the new one.
    member: function (marker, notice) {
      marker = typeof marker === "string" ? marker : "";
      var stored = storedMember();
      if (stored === marker) return Promise.resolve();
      var job = stored ? window.buuvPwa.clearPrivate(notice) : Promise.resolve();
      if (marker) {
        try { localStorage.setItem(MEMBER, marker); } catch (_) { /* storage off: nothing is kept */ }
      }
      if (window.buuvOffline && typeof window.buuvOffline.memberChanged === "function") {
        window.buuvOffline.memberChanged();
      }
      return job;
    },
    // The member whose data this device may keep now ("" when nobody is logged in).
    currentMember: storedMember,
  };

  if (!("serviceWorker" in navigator)) return;

  function watch(registration) {
    // A build that finished installing while no page was open waits already.
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        // Without a controller this is the first install, not an update.
        if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
    // An app left open on the phone for days never navigates: look for a new build now and then.
    setInterval(function () { registration.update().catch(function () {}); }, UPDATE_CHECK_MS);
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    // Only after "herladen": the first install also takes over the page, and a reload then
    // would only cost time (and typed text).
    if (!reloadOnTakeover) return;
    reloadOnTakeover = false;
    window.location.reload();
  });

  function register() {
    navigator.serviceWorker.register("/sw.js").then(watch, function (error) {
      console.warn("BUUV: service worker not registered", error);
    });
  }

  // After the page has loaded: the worker's precaching must not slow the first visit down.
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
