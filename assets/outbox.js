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
(function () {
  "use strict";
  var OUTBOX = "buuv:outbox:messages";
  var DRAFT = "buuv:draft:";
  var RETRY_MS = 4000;
  var MAX = 2000;

  function english() {
    return (document.documentElement.lang || "nl").slice(0, 2) === "en";
  }

  function load() {
    try {
      var items = JSON.parse(localStorage.getItem(OUTBOX) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function store(items) {
    try {
      localStorage.setItem(OUTBOX, JSON.stringify(items));
    } catch (e) {
      /* storage full or off: the message still goes out from memory */
    }
    render();
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
    if (!body || body.length > MAX || conversation === null) {
      // Nothing to keep: the server answers with the reason (empty, too long).
      return { client_id: "", message: el ? el.value : "", conversation_id: conversation };
    }
    var item = { client_id: newId(), conversation_id: conversation, message: body,
                 queued_at: Date.now(), tried_at: Date.now() };
    store(load().concat([item]));
    el.value = "";
    saveDraft();
    return item;
  }

  // Written in the offline copy of a conversation (/offline.js): kept until it can go out.
  function queueFor(conversation, text) {
    var body = (text || "").trim();
    if (!body || body.length > MAX || typeof conversation !== "number") return false;
    store(load().concat([{ client_id: newId(), conversation_id: conversation, message: body,
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
    var now = Date.now(), picked = [];
    var items = load().map(function (item) {
      if (picked.length < 20 && now - (item.tried_at || 0) >= RETRY_MS - 500) {
        item.tried_at = now;
        picked.push({ client_id: item.client_id, conversation_id: item.conversation_id, message: item.message });
      }
      return item;
    });
    if (picked.length) store(items);
    return picked;
  }

  function retry() {
    var button = document.getElementById("outbox-retry");
    if (!button || !navigator.onLine) return;
    var now = Date.now();
    if (load().some(function (item) { return now - (item.tried_at || 0) >= RETRY_MS - 500; })) button.click();
  }

  // --- showing what is on its way -------------------------------------------------------------

  function render() {
    // The conversation's own list, and the one in its offline copy (/offline.js).
    document.querySelectorAll("#chat-pending, #offline-pending").forEach(renderInto);
  }

  function renderInto(list) {
    var conversation = openConversation();
    var items = load().filter(function (item) { return item.conversation_id === conversation; });
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
    render();
  }

  // The page is rendered by React after this script runs: watch for the conversation to appear.
  var observer = new MutationObserver(function () {
    var el = box();
    if (el && el.dataset.restored !== String(openConversation())) tick();
    var list = document.getElementById("chat-pending");
    if (list && list.dataset.rendered !== String(openConversation())) {
      list.dataset.rendered = String(openConversation());
      render();
    }
  });
  function start() {
    observer.observe(document.body, { childList: true, subtree: true });
    tick();
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);

  window.addEventListener("online", function () { render(); retry(); });

  window.addEventListener("offline", render);
  setInterval(retry, 2000);

  window.buuvOutbox = { queue: queue, queueFor: queueFor, confirm: confirm, fail: fail, due: due, retry: retry, render: render,
                        pending: function () { return load(); } };
})();
