// The device's outbox for chat messages: nothing typed is ever lost, and a message is sent
// exactly once even when the connection drops.
//
// - What is typed in a conversation is saved on the device while typing (a draft per conversation)
//   and put back when the page opens again.
// - "Versturen" gives the message an id made here, on the device, keeps it in localStorage and
//   shows it at once as "wordt verstuurd…". The server stores each (sender, id) once.
// - The server's answer removes it from the outbox (confirm) or puts the text back in the box
//   with the reason it was refused (fail). Without an answer it is sent again, with the same id,
//   every few seconds (the hidden #outbox-retry button hands the due messages to the server).
// - Each message and each post written offline records who wrote it (the member marker of
//   assets/pwa.js) and goes out only while that member is logged in here; the server ignores an
//   item that names someone else. When the session ends first (logout, expiry, another member
//   logging in) the device is wiped with the outbox, and a notice says what was queued did not go
//   out (buuvPwa.clearPrivate): on a shared device it must not wait there for the next person.
(function () {
  "use strict";
  var OUTBOX = "buuv:outbox:messages";
  var DRAFT = "buuv:draft:";
  var RETRY_MS = 4000;
  var MAX = 2000;

  function english() {
    return (document.documentElement.lang || "nl").slice(0, 2) === "en";
  }

  // A list kept in localStorage under `key` (the messages' outbox, the posts' outbox, notices).
  function loadKey(key) {
    try {
      var items = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function storeKey(key, items) {
    try {
      localStorage.setItem(key, JSON.stringify(items));
    } catch (e) {
      /* storage full or off: what is queued still goes out from this page */
    }
    render();
  }

  function load() { return loadKey(OUTBOX); }
  function store(items) { storeKey(OUTBOX, items); }

  function overdue(item, now) { return now - (item.tried_at || 0) >= RETRY_MS - 500; }

  // Who is logged in on this device now, by the marker of assets/pwa.js ("" for nobody).
  function member() {
    // Read here rather than through buuvPwa: pwa.js loads after this script.
    try { return localStorage.getItem("buuv:member") || ""; } catch (e) { return ""; }
  }

  // What the member logged in here queued (only that is shown, and ever handed to the server).
  function mine(item) { var owner = member(); return !!owner && item.member === owner; }

  // Only the logged-in member's own items are ever handed to the server.
  function ownAndOverdue(now) {
    var owner = member();
    return function (item) { return !!owner && item.member === owner && overdue(item, now); };
  }

  // Up to `limit` items of `key` whose answer is overdue, marked as tried now; `fields` are what
  // the server gets of each.
  function takeDue(key, limit, fields) {
    var now = Date.now(), picked = [], due = ownAndOverdue(now);
    var items = loadKey(key).map(function (item) {
      if (picked.length < limit && due(item)) {
        item.tried_at = now;
        var sent = {};
        fields.forEach(function (f) { sent[f] = item[f]; });
        picked.push(sent);
      }
      return item;
    });
    if (picked.length) storeKey(key, items);
    return picked;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function openConversation() {
    var match = location.pathname.match(/^\/berichten\/(\d+)\/?$/);
    return match ? Number(match[1]) : null;
  }

  function box() {
    return document.getElementById("chat-message");
  }

  // --- drafts ---------------------------------------------------------------------------------

  function saveDraft() {
    var id = openConversation(), el = box();
    if (id === null || !el) return;
    try {
      if (el.value) localStorage.setItem(DRAFT + id, el.value);
      else localStorage.removeItem(DRAFT + id);
    } catch (e) { /* ignore */ }
  }

  function restoreDraft() {
    var id = openConversation(), el = box();
    if (id === null || !el || el.dataset.restored === String(id)) return;
    el.dataset.restored = String(id);
    var draft = localStorage.getItem(DRAFT + id);
    if (draft && !el.value) el.value = draft;
  }

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "chat-message") saveDraft();
  });

  // --- sending --------------------------------------------------------------------------------

  // Called by "Versturen": returns what the server's send handler gets.
  function queue() {
    var el = box(), conversation = openConversation();
    var body = el ? el.value.trim() : "";
    if (!body || body.length > MAX || conversation === null || !member()) {
      // Nothing to keep: the server answers with the reason (empty, too long, not logged in).
      return { client_id: "", message: el ? el.value : "", conversation_id: conversation };
    }
    var item = { client_id: newId(), member: member(), conversation_id: conversation, message: body,
                 queued_at: Date.now(), tried_at: Date.now() };
    store(load().concat([item]));
    el.value = "";
    saveDraft();
    return item;
  }

  // Written in the offline copy of a conversation (/offline.js): kept until it can go out.
  function queueFor(conversation, text) {
    var body = (text || "").trim();
    if (!body || body.length > MAX || typeof conversation !== "number" || !member()) return false;
    store(load().concat([{ client_id: newId(), member: member(), conversation_id: conversation, message: body,
                           queued_at: Date.now(), tried_at: 0 }]));
    return true;
  }

  // The server stored these: they leave the outbox (the conversation shows them now).
  function confirm(ids) {
    store(load().filter(function (item) { return ids.indexOf(item.client_id) < 0; }));
  }

  // The server refused this one for good (blocked, closed, too fast...): its text goes back
  // into the box, so nothing typed is lost.
  function fail(id) {
    var items = load(), item = null;
    items = items.filter(function (i) {
      if (i.client_id === id) { item = i; return false; }
      return true;
    });
    store(items);
    var el = box();
    if (item && el && item.conversation_id === openConversation()) {
      el.value = el.value ? item.message + "\n" + el.value : item.message;
      saveDraft();
    }
  }

  // The messages whose answer is overdue, marked as tried now.
  function due() {
    return takeDue(OUTBOX, 20, ["client_id", "member", "conversation_id", "message"]);
  }

  function retry() {
    if (!navigator.onLine) return;
    var late = ownAndOverdue(Date.now());
    var button = document.getElementById("outbox-retry");
    if (button && load().some(late)) button.click();
    var posts = document.getElementById("outbox-posts-retry");
    if (posts && loadKey(POSTS).some(late)) posts.click();
  }

  // --- requests and offers written offline ----------------------------------------------------

  var POSTS = "buuv:outbox:posts";
  var NOTICES = "buuv:outbox:notices";
  var POST_DRAFT = "buuv:draft:post";

  // Called by the offline form for a new post (/offline.js).
  function queuePost(fields) {
    if (!member()) return null; // written by nobody logged in: there is no one to place it for
    var item = { client_id: newId(), member: member(), queued_at: Date.now(), tried_at: 0 };
    ["kind", "title", "body", "category", "neighbourhood", "visibility"].forEach(function (k) {
      item[k] = String(fields[k] || "");
    });
    storeKey(POSTS, loadKey(POSTS).concat([item]));
    return item;
  }

  function duePosts() {
    return takeDue(POSTS, 5, ["client_id", "member", "kind", "title", "body", "category", "neighbourhood", "visibility"]);
  }

  function notice(entry) {
    storeKey(NOTICES, loadKey(NOTICES).concat([entry]).slice(-5));
  }

  // The server placed these: [{client_id, url, at}].
  function confirmPosts(placed) {
    var items = loadKey(POSTS);
    placed.forEach(function (p) {
      var item = items.filter(function (i) { return i.client_id === p.client_id; })[0];
      if (item) notice({ id: p.client_id, title: item.title, kind: item.kind, url: p.url, at: p.at });
    });
    var ids = placed.map(function (p) { return p.client_id; });
    storeKey(POSTS, items.filter(function (i) { return ids.indexOf(i.client_id) < 0; }));
  }

  // Refused for good: the text is kept as the new-post form's draft, with the reason.
  function failPost(id, reason) {
    var items = loadKey(POSTS);
    var item = items.filter(function (i) { return i.client_id === id; })[0];
    if (item) {
      try { localStorage.setItem(POST_DRAFT, JSON.stringify(item)); } catch (e) { /* ignore */ }
      notice({ id: id, title: item.title, kind: item.kind, reason: reason, failed: true, at: Date.now() });
    }
    storeKey(POSTS, items.filter(function (i) { return i.client_id !== id; }));
  }

  function dismiss(id) {
    storeKey(NOTICES, loadKey(NOTICES).filter(function (n) { return n.id !== id; }));
  }

  function restorePostDraft() {
    var title = document.getElementById("newpost-title"), body = document.getElementById("newpost-body");
    if (!title || !body || title.dataset.restored) return;
    title.dataset.restored = "1";
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(POST_DRAFT) || "null"); } catch (e) { draft = null; }
    if (!draft) return;
    if (!title.value) title.value = draft.title || "";
    if (!body.value) body.value = draft.body || "";
  }

  // What is typed in the new-post form is kept until the post is placed (NewPostState.create
  // clears it), so a dropped connection or a closed app loses nothing.
  document.addEventListener("input", function (event) {
    var id = event.target && event.target.id;
    if (id !== "newpost-title" && id !== "newpost-body") return;
    var title = document.getElementById("newpost-title"), body = document.getElementById("newpost-body");
    try {
      if (title.value || body.value) {
        localStorage.setItem(POST_DRAFT, JSON.stringify({ title: title.value, body: body.value }));
      } else {
        localStorage.removeItem(POST_DRAFT);
      }
    } catch (e) { /* ignore */ }
  });

  function clock(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function kindWord(kind) {
    if (english()) return kind === "offer" ? "Offer" : "Request";
    return kind === "offer" ? "Aanbod" : "Vraag";
  }

  function renderStatus(box) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var waiting = loadKey(POSTS).filter(mine), notices = loadKey(NOTICES);
    waiting.forEach(function (item) {
      var p = document.createElement("p");
      p.className = "outbox-note outbox-waiting";
      p.textContent = kindWord(item.kind) + " “" + item.title + "”: " + (navigator.onLine
        ? (english() ? "being posted…" : "wordt geplaatst…")
        : (english() ? "waiting for a connection" : "wacht op verbinding"));
      box.appendChild(p);
    });
    notices.forEach(function (n) {
      var p = document.createElement("p");
      p.className = "outbox-note" + (n.failed ? " outbox-failed" : " outbox-sent");
      var text = kindWord(n.kind) + " “" + n.title + "” ";
      if (n.failed) {
        text += english() ? "was not posted: " + n.reason + " Your text is ready on the form. "
                          : "is niet geplaatst: " + n.reason + " Je tekst staat klaar in het formulier. ";
      } else {
        text += english() ? "went out at " + clock(n.at) + ". " : "is geplaatst om " + clock(n.at) + ". ";
      }
      p.appendChild(document.createTextNode(text));
      if (n.url || n.failed) {
        var a = document.createElement("a");
        a.href = n.failed ? "/hulp/nieuw" : n.url;
        a.textContent = n.failed ? (english() ? "To the form" : "Naar het formulier")
                                 : (english() ? "View" : "Bekijken");
        p.appendChild(a);
        p.appendChild(document.createTextNode(" "));
      }
      var ok = document.createElement("button");
      ok.type = "button";
      ok.textContent = "OK";
      ok.setAttribute("aria-label", english() ? "Dismiss" : "Sluiten");
      ok.addEventListener("click", function () { dismiss(n.id); });
      p.appendChild(ok);
      box.appendChild(p);
    });
  }

  // --- showing what is on its way -------------------------------------------------------------

  function render() {
    // The conversation's own list, and the one in its offline copy (/offline.js).
    document.querySelectorAll("#chat-pending, #offline-pending").forEach(renderInto);
    document.querySelectorAll("#outbox-status, .offline-outbox-status").forEach(renderStatus);
  }

  function renderInto(list) {
    var conversation = openConversation();
    var items = load().filter(function (item) { return mine(item) && item.conversation_id === conversation; });
    var label = navigator.onLine ? (english() ? "sending…" : "wordt verstuurd…")
                                 : (english() ? "waiting for a connection" : "wacht op verbinding");
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "chat-pending";
      li.dataset.clientId = item.client_id;
      var bubble = document.createElement("div");
      var text = document.createElement("p");
      text.textContent = item.message;
      var state = document.createElement("p");
      state.className = "chat-pending-state";
      state.textContent = label;
      bubble.appendChild(text);
      bubble.appendChild(state);
      li.appendChild(bubble);
      list.appendChild(li);
    });
  }

  function tick() {
    restoreDraft();
    restorePostDraft();
    render();
  }

  // The page is rendered by React after this script runs: watch for the conversation to appear.
  function check() {
    var el = box();
    if (el && el.dataset.restored !== String(openConversation())) tick();
    var title = document.getElementById("newpost-title");
    if (title && !title.dataset.restored) restorePostDraft();
    var status = document.getElementById("outbox-status");
    if (status && !status.dataset.rendered) {
      status.dataset.rendered = "1";
      render();
    }
    var list = document.getElementById("chat-pending");
    if (list && list.dataset.rendered !== String(openConversation())) {
      list.dataset.rendered = String(openConversation());
      render();
    }
  }
  // Started when the browser is idle, after the first render and hydration: watching every
  // mutation of React's first render cost 250-350 ms of a phone's start-up (Lighthouse). What
  // that render put on the page is looked at once, then only what changes after it.
  function start() {
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
    tick();
    check();
    window.addEventListener("online", function () { render(); retry(); });
    window.addEventListener("offline", render);
    setInterval(retry, 2000);
  }
  if (window.requestIdleCallback) requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 200);

  window.buuvOutbox = { queue: queue, queueFor: queueFor, queuePost: queuePost, duePosts: duePosts,
                        confirmPosts: confirmPosts, failPost: failPost, confirm: confirm, fail: fail, due: due, retry: retry, render: render,
                        pending: function () { return load(); } };
})();
