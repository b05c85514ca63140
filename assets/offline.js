// Reading offline. A Reflex page gets its data from the server, so without a connection it would
// show only "Even laden…". This script keeps a copy of each page the visitor has seen (feeds,
// posts, their own posts and conversations) on the device, and when the device is offline it shows
// that copy with a banner "offline — bijgewerkt om 14:05". Links in the copy lead to the other
// saved pages; in a conversation a message can still be written: it waits in the outbox
// (/outbox.js) and goes out once the connection is back.
//
// The copies are private: they are wiped on logout (buuvOffline.clear(), also called by the
// service worker's clearPrivate) and never leave the device.
(function () {
  "use strict";
  var PAGES = "buuv:pages";
  var MAX_PAGES = 40;
  var MAX_CHARS = 1500000;
  // Pages not worth keeping, or not safe to (forms with passwords, one-time links).
  var SKIP = /^\/(inloggen|aanmelden|wachtwoord-|uitschrijven)/;

  function english() {
    return (document.documentElement.lang || "nl").slice(0, 2) === "en";
  }

  function key() {
    var path = location.pathname.replace(/\/+$/, "") || "/";
    return path + location.search;
  }

  function loadPages() {
    try {
      var pages = JSON.parse(localStorage.getItem(PAGES) || "{}");
      return pages && typeof pages === "object" ? pages : {};
    } catch (e) {
      return {};
    }
  }

  function storePages(pages) {
    // Newest first; drop the oldest until it fits.
    var keys = Object.keys(pages).sort(function (a, b) { return pages[b].saved_at - pages[a].saved_at; });
    var kept = {}, size = 0;
    keys.slice(0, MAX_PAGES).forEach(function (k) {
      var length = (pages[k].html || "").length;
      if (size + length <= MAX_CHARS) { kept[k] = pages[k]; size += length; }
    });
    try {
      localStorage.setItem(PAGES, JSON.stringify(kept));
    } catch (e) {
      /* storage full: keep what was there */
    }
  }

  // --- saving what was seen -------------------------------------------------------------------

  function isOffline() {
    return document.documentElement.classList.contains("buuv-offline");
  }

  function snapshot() {
    if (isOffline() || !navigator.onLine || SKIP.test(location.pathname)) return;
    var main = document.getElementById("inhoud");
    if (!main || main.querySelector(".loading-notice") || !main.textContent.trim()) return;
    var copy = main.cloneNode(true);
    // Only reading survives: controls do nothing without the server.
    copy.querySelectorAll("form, details, button, input, textarea, select, script, style, [role=dialog]")
      .forEach(function (el) { el.remove(); });
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    copy.querySelectorAll("[aria-live]").forEach(function (el) { el.removeAttribute("aria-live"); });
    var heading = main.querySelector("h1");
    var pages = loadPages();
    pages[key()] = { html: copy.innerHTML, title: heading ? heading.textContent : document.title,
                     saved_at: Date.now() };
    storePages(pages);
  }

  var timer = null;
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(snapshot, 800);
  }

  // --- showing a copy offline -----------------------------------------------------------------

  function time(ms) {
    var d = new Date(ms), today = new Date();
    var hm = ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
    if (d.toDateString() === today.toDateString()) return hm;
    return d.toLocaleDateString(english() ? "en-GB" : "nl-NL", { day: "numeric", month: "long" }) + " " + hm;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function conversationId() {
    var match = location.pathname.match(/^\/berichten\/(\d+)\/?$/);
    return match ? Number(match[1]) : null;
  }

  function composer(conversation) {
    var form = el("form", { "class": "offline-composer" });
    var label = el("label", { "for": "offline-message" }, english() ? "Your message" : "Je bericht");
    var box = el("textarea", { id: "offline-message", rows: "3", maxlength: "2000" });
    var draft = localStorage.getItem("buuv:draft:" + conversation);
    if (draft) box.value = draft;
    box.addEventListener("input", function () {
      try { localStorage.setItem("buuv:draft:" + conversation, box.value); } catch (e) { /* ignore */ }
    });
    var send = el("button", { type: "submit" }, english() ? "Send when online" : "Versturen zodra er verbinding is");
    form.appendChild(label);
    form.appendChild(box);
    form.appendChild(send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (window.buuvOutbox && buuvOutbox.queueFor(conversation, box.value)) {
        box.value = "";
        localStorage.removeItem("buuv:draft:" + conversation);
      }
    });
    return form;
  }

  function savedList(pages) {
    var list = el("ul", { "class": "offline-saved" });
    Object.keys(pages)
      .sort(function (a, b) { return pages[b].saved_at - pages[a].saved_at; })
      .slice(0, 15)
      .forEach(function (k) {
        var item = el("li");
        item.appendChild(el("a", { href: k }, pages[k].title || k));
        list.appendChild(item);
      });
    return list;
  }

  function showOffline() {
    var root = document.documentElement;
    root.classList.add("buuv-offline");
    var old = document.getElementById("offline-view");
    if (old) old.remove();
    var pages = loadPages(), page = pages[key()];
    var view = el("div", { id: "offline-view" });
    var inner = el("div", { "class": "offline-inner" });
    var banner = el("p", { "class": "offline-banner", role: "status" });
    if (page) {
      banner.textContent = english() ? "Offline — updated at " + time(page.saved_at)
                                     : "Offline — bijgewerkt om " + time(page.saved_at);
      inner.appendChild(banner);
      var body = el("div", { "class": "offline-page" });
      body.innerHTML = page.html; // our own page, as the app rendered it on this device
      inner.appendChild(body);
      var conversation = conversationId();
      if (conversation !== null) {
        inner.appendChild(el("ul", { id: "offline-pending", "class": "pending-list", "aria-live": "polite" }));
        inner.appendChild(composer(conversation));
      }
    } else {
      banner.textContent = english() ? "Offline" : "Offline";
      inner.appendChild(banner);
      inner.appendChild(el("h1", {}, english() ? "No connection" : "Geen verbinding"));
      inner.appendChild(el("p", {}, english()
        ? "You have not opened this page on this device before. It loads as soon as there is a connection again."
        : "Deze pagina heb je op dit apparaat nog niet eerder geopend. Hij laadt zodra er weer verbinding is."));
      if (Object.keys(pages).length) {
        inner.appendChild(el("h2", {}, english() ? "Read offline" : "Offline te lezen"));
        inner.appendChild(savedList(pages));
      }
    }
    view.appendChild(inner);
    document.body.appendChild(view);
    if (window.buuvOutbox) buuvOutbox.render();
  }

  function showOnline() {
    document.documentElement.classList.remove("buuv-offline");
    var view = document.getElementById("offline-view");
    if (view) view.remove();
  }

  function start() {
    if (!navigator.onLine) showOffline();
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var target = mutations[i].target;
        if (target.closest && target.closest("#inhoud")) { soon(); return; }
        if (target.id === "inhoud" || (target.querySelector && target.querySelector("#inhoud"))) { soon(); return; }
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
    soon();
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);

  window.addEventListener("offline", showOffline);
  window.addEventListener("online", showOnline);
  // A navigation inside the app changes the path without a page load.
  var lastKey = key();
  setInterval(function () {
    if (key() !== lastKey) {
      lastKey = key();
      if (isOffline()) showOffline();
    }
  }, 300);

  window.buuvOffline = {
    clear: function () {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf("buuv:") === 0) localStorage.removeItem(k);
      });
    },
    pages: loadPages,
    snapshot: snapshot,
  };
})();
