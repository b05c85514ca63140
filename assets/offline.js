// Reading offline. A Reflex page gets its data from the server, so without a connection it would
// show only "Even laden…". This script keeps a copy of each page the visitor has seen (feeds,
// posts, their own posts and conversations) on the device, and when the device is offline it shows
// that copy with a banner "offline — bijgewerkt om 14:05". Links in the copy lead to the other
// saved pages; in a conversation a message can still be written: it waits in the outbox
// (/outbox.js) and goes out once the connection is back.
//
// The copies are private: each records whose it is (the member marker of assets/pwa.js, "" for a
// visitor who is not logged in, who gets copies of public pages only) and only that person's are
// shown or kept beside a new one; they are wiped on logout and whenever the device changes hands
// (buuvOffline.clear(), called by buuvPwa.clearPrivate). The wipe also cancels a copy about to be
// taken, and the page shown after it is not kept again until someone logs in or a page is loaded
// afresh: a wiped device stays empty for the next person. Copies never leave the device.
//
// A copy keeps its look: the page's styles are made in the browser (Reflex's CSS-in-JS) and would be
// gone offline, so each copy carries the style rules its elements use, and the offline view takes
// the theme of the app (colours, fonts). The header of a logged-in member is kept the same way, so
// offline it still names them instead of offering "Inloggen". Pages whose address carries a secret (an invitation, reset,
// confirmation or unsubscribe link: any query parameter named like a token or code) are never kept.
(function () {
  "use strict";
  var PAGES = "buuv:pages";
  var MAX_PAGES = 40;
  var MAX_CHARS = 1500000;
  var timer = null; // a copy about to be taken (the page settles first)
  var wiped = false; // this page wiped the device: nothing is kept again until a member logs in
  // Pages not worth keeping, or not safe to (forms with passwords, one-time links).
  var SKIP = /^\/(inloggen|aanmelden|wachtwoord-|uitschrijven|uitnodiging)/;
  // Query parameters that carry a secret, whatever the page: a general rule rather than a list of
  // pages, so a new link with a token is never kept either.
  var SECRET_PARAM = /token|code|key|secret|sig|hash|auth/i;

  function carriesSecret() {
    var found = false;
    new URLSearchParams(location.search).forEach(function (value, name) {
      if (SECRET_PARAM.test(name)) found = true;
    });
    return found || /[?&#].*token/i.test(location.hash);
  }

  // Whose copies may be kept and shown now: the member marker of assets/pwa.js ("" for nobody).
  function member() {
    // Read here rather than through buuvPwa: pwa.js loads after this script.
    try { return localStorage.getItem("buuv:member") || ""; } catch (e) { return ""; }
  }

  function english() {
    return (document.documentElement.lang || "nl").slice(0, 2) === "en";
  }

  function key() {
    var path = location.pathname.replace(/\/+$/, "") || "/";
    return path + location.search;
  }

  // An index of the kept pages ({key: {title, saved_at, size}}) in one small entry, and each
  // page's HTML in an entry of its own: saving a page rewrites that page only.
  var PAGE = "buuv:page:";

  function allPages() {
    try {
      var pages = JSON.parse(localStorage.getItem(PAGES) || "{}");
      return pages && typeof pages === "object" ? pages : {};
    } catch (e) {
      return {};
    }
  }

  // The copies of whoever uses the device now: the member logged in, or a visitor's public ones.
  function loadPages() {
    var owner = member(), pages = allPages(), mine = {};
    Object.keys(pages).forEach(function (k) {
      if (pages[k] && pages[k].member === owner) mine[k] = pages[k];
    });
    return mine;
  }

  function pageHtml(k) {
    return localStorage.getItem(PAGE + k);
  }

  function savePage(k, html, title, owner) {
    var pages = allPages();
    Object.keys(pages).forEach(function (name) {
      // Another member's copies (the device should have been wiped): never kept beside these.
      if (!pages[name] || pages[name].member !== owner) {
        localStorage.removeItem(PAGE + name);
        delete pages[name];
      }
    });
    pages[k] = { title: title, saved_at: Date.now(), size: html.length, member: owner };
    // Newest first; drop the oldest until it fits.
    var kept = {}, size = 0;
    Object.keys(pages)
      .sort(function (a, b) { return pages[b].saved_at - pages[a].saved_at; })
      .forEach(function (name, i) {
        if (i < MAX_PAGES && size + pages[name].size <= MAX_CHARS) {
          kept[name] = pages[name];
          size += pages[name].size;
        } else {
          localStorage.removeItem(PAGE + name);
        }
      });
    try {
      if (kept[k]) localStorage.setItem(PAGE + k, html);
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
    timer = null;
    var owner = member();
    if ((wiped && !owner) || isOffline() || !navigator.onLine || SKIP.test(location.pathname) || carriesSecret()) return;
    var main = document.getElementById("inhoud");
    if (!main || main.querySelector(".loading-notice") || !main.textContent.trim()) return;
    var copy = main.cloneNode(true);
    // Only reading survives: controls do nothing without the server.
    copy.querySelectorAll("form, details, button, input, textarea, select, script, style, [role=dialog]")
      .forEach(function (el) { el.remove(); });
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    copy.querySelectorAll("[aria-live], [role=status]").forEach(function (el) {
      el.removeAttribute("aria-live");
      if (el.getAttribute("role") === "status") el.removeAttribute("role");
    });
    if (/^\/hulp\/nieuw/.test(location.pathname)) saveChoices(main);
    var heading = main.querySelector("h1");
    savePage(key(), styleFor([copy]) + copy.innerHTML, heading ? heading.textContent : document.title, owner);
    if (owner) saveHeader(owner);
  }

  // The style rules (<style> elements of the page's CSS-in-JS, class names "css-…") that the given
  // elements use, as one <style> element; the linked stylesheets (Radix, assets/buuv.css) are part
  // of the app's build, which the service worker keeps.
  function styleFor(nodes) {
    var used = {}, rules = [];
    nodes.forEach(function (node) {
      [node].concat(Array.prototype.slice.call(node.querySelectorAll("[class]"))).forEach(function (e) {
        if (e.classList) e.classList.forEach(function (name) { if (name.indexOf("css-") === 0) used[name] = true; });
      });
    });
    Array.prototype.forEach.call(document.styleSheets, function (sheet) {
      var owner = sheet.ownerNode;
      if (!owner || owner.tagName !== "STYLE" || owner.hasAttribute("data-offline-css")) return;
      var list;
      try { list = sheet.cssRules; } catch (e) { return; }
      for (var i = 0; i < list.length; i++) {
        // A style rule's selector is enough to tell whether it is used; writing out a whole rule
        // (cssText) for each of the page's hundreds of rules made the copy a long task on a phone.
        // Media rules have no selector: their text is read.
        var rule = list[i], selector = rule.selectorText;
        var text = typeof selector === "string" ? selector : rule.cssText, found, names = /\.(css-[\w-]+)/g;
        while ((found = names.exec(text))) {
          if (used[found[1]]) { rules.push(rule.cssText); break; }
        }
      }
    });
    return rules.length ? "<style data-offline-css>" + rules.join("\n") + "</style>" : "";
  }

  // The header as a logged-in member sees it (their name, "Berichten"), kept for the offline view:
  // offline the app itself knows nobody and would offer "Inloggen". Without its buttons (they need
  // the server) and without the unread count, which would soon be wrong.
  var HEADER = "buuv:header";
  function saveHeader(owner) {
    var header = document.querySelector("body header");
    if (!header || !header.querySelector('a[href="/account"]')) return; // not (yet) as a member
    var copy = header.cloneNode(true);
    copy.querySelectorAll("button, script, #unread-badge").forEach(function (e) { e.remove(); });
    copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    try {
      localStorage.setItem(HEADER, JSON.stringify({ member: owner, html: styleFor([copy]) + copy.outerHTML }));
    } catch (e) { /* storage full: the live header stays */ }
  }

  function savedHeader() {
    var owner = member();
    if (!owner) return null;
    try {
      var saved = JSON.parse(localStorage.getItem(HEADER) || "null");
      return saved && saved.member === owner && typeof saved.html === "string" ? saved.html : null;
    } catch (e) { return null; }
  }

  // The header for the offline view: the member's kept one, or the one on the page (a visitor's).
  function offlineHeader() {
    var wrap = el("div", { "class": "offline-header" }), saved = savedHeader();
    if (saved) {
      wrap.innerHTML = saved;
    } else {
      var live = document.querySelector("body header");
      if (!live) {
        // The app has not drawn its header yet (a page it renders on the device): the way home.
        var plain = el("header", { "class": "offline-plain-header" });
        plain.appendChild(el("a", { href: "/", "aria-label": english() ? "BUUV, to the home page"
                                                                       : "BUUV, naar de startpagina" }, "BUUV"));
        wrap.appendChild(plain);
        return wrap;
      }
      var copy = live.cloneNode(true);
      copy.querySelectorAll("button, script, #unread-badge").forEach(function (e) { e.remove(); });
      copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
      wrap.innerHTML = styleFor([copy]) + copy.outerHTML;
    }
    return wrap;
  }

  // The app's theme (Radix: colours, fonts, radius) sits on an element the offline view is not
  // inside of: the view takes the same class and settings.
  function takeTheme(view) {
    var theme = document.querySelector(".radix-themes");
    if (!theme) return;
    view.className = theme.className;
    Array.prototype.forEach.call(theme.attributes, function (a) {
      if (a.name.indexOf("data-") === 0 && a.name !== "data-is-root-theme") view.setAttribute(a.name, a.value);
    });
  }

  // The new-post form's choices (categories, neighbourhoods), for writing a post offline.
  var CHOICES = "buuv:newpost-choices";
  function saveChoices(main) {
    var select = main.querySelector("select[name=neighbourhood]");
    var categories = [];
    main.querySelectorAll("[data-category]").forEach(function (button) {
      categories.push({ slug: button.getAttribute("data-category"), label: button.textContent.trim() });
    });
    if (!select || !categories.length) return;
    try {
      localStorage.setItem(CHOICES, JSON.stringify({ categories: categories, neighbourhoods: select.innerHTML,
                                                     home: select.value }));
    } catch (e) { /* ignore */ }
  }

  function choices() {
    try { return JSON.parse(localStorage.getItem(CHOICES) || "null"); } catch (e) { return null; }
  }

  function field(labelText, control) {
    var wrap = el("div", { "class": "offline-field" });
    var label = el("label", { "for": control.id }, labelText);
    wrap.appendChild(label);
    wrap.appendChild(control);
    return wrap;
  }

  function radios(name, legendText, options) {
    var set = el("fieldset", { "class": "offline-radios" });
    set.appendChild(el("legend", {}, legendText));
    options.forEach(function (o, i) {
      var label = el("label");
      var input = el("input", { type: "radio", name: name, value: o[0] });
      if (i === 0) input.setAttribute("checked", "checked");
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + o[1]));
      set.appendChild(label);
    });
    return set;
  }

  function postForm() {
    var saved = choices(), en = english();
    var form = el("form", { "class": "offline-composer offline-post" });
    form.appendChild(el("h1", {}, en ? "Ask or offer help" : "Hulp vragen of aanbieden"));
    form.appendChild(el("p", {}, en
      ? "You are offline. Write your request or offer now: it is kept on this device and posted as soon as there is a connection."
      : "Je bent offline. Schrijf je vraag of aanbod nu: het blijft op dit apparaat bewaard en wordt geplaatst zodra er verbinding is."));
    form.appendChild(radios("kind", en ? "What is it?" : "Wat is het?",
                            [["request", en ? "I am asking for help" : "Ik vraag hulp"],
                             ["offer", en ? "I am offering help" : "Ik bied hulp aan"]]));
    var category = el("select", { id: "offline-category", name: "category", required: "required" });
    category.appendChild(el("option", { value: "" }, en ? "Choose…" : "Kies…"));
    (saved ? saved.categories : []).forEach(function (c) { category.appendChild(el("option", { value: c.slug }, c.label)); });
    form.appendChild(field(en ? "With what?" : "Waarmee?", category));
    var title = el("input", { id: "offline-title", name: "title", maxlength: "80", required: "required" });
    form.appendChild(field(en ? "Title" : "Titel", title));
    var body = el("textarea", { id: "offline-body", name: "body", rows: "4", maxlength: "2000", required: "required" });
    form.appendChild(field(en ? "Description" : "Beschrijving", body));
    var place = el("select", { id: "offline-neighbourhood", name: "neighbourhood", required: "required" });
    if (saved) {
      place.innerHTML = saved.neighbourhoods;
      place.value = saved.home || "";
    }
    form.appendChild(field(en ? "Neighbourhood" : "Buurt", place));
    form.appendChild(radios("visibility", en ? "Who may see it?" : "Wie mag je oproep zien?",
                            [["everyone", en ? "Everyone" : "Iedereen"],
                             ["members", en ? "Only neighbours who are logged in" : "Alleen buren die zijn ingelogd"]]));
    form.appendChild(el("button", { type: "submit" }, en ? "Post when online" : "Plaatsen zodra er verbinding is"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form), fields = {};
      data.forEach(function (value, k) { fields[k] = value; });
      if (window.buuvOutbox && buuvOutbox.queuePost(fields)) {
        form.reset();
        if (saved) place.value = saved.home || "";
      }
    });
    if (!saved) {
      form.insertBefore(el("p", { "class": "offline-hint" }, en
        ? "Tip: open this form once while online, then the categories and neighbourhoods are available offline too."
        : "Tip: open dit formulier een keer met verbinding, dan staan de soorten hulp en de buurten er offline ook in."),
        form.children[2]);
    }
    return form;
  }

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
    var pages = loadPages(), page = pages[key()], html = page ? pageHtml(key()) : null;
    if (html === null) page = null;
    var view = el("div", { id: "offline-view" });
    takeTheme(view);
    var header = offlineHeader();
    if (header) view.appendChild(header);
    var inner = el("div", { "class": "offline-inner" });
    var banner = el("p", { "class": "offline-banner", role: "status" });
    var status = el("div", { "class": "offline-outbox-status", "aria-live": "polite" });
    if (/^\/hulp\/nieuw/.test(location.pathname)) {
      banner.textContent = english() ? "Offline" : "Offline";
      inner.appendChild(banner);
      inner.appendChild(status);
      inner.appendChild(postForm());
    } else if (page) {
      banner.textContent = english() ? "Offline — updated at " + time(page.saved_at)
                                     : "Offline — bijgewerkt om " + time(page.saved_at);
      inner.appendChild(banner);
      inner.appendChild(status);
      var body = el("div", { "class": "offline-page" });
      body.innerHTML = html; // our own page, as the app rendered it on this device
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
      // A copy about to be taken would store the page shown at this moment again.
      clearTimeout(timer);
      timer = null;
      wiped = true;
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf("buuv:") === 0) localStorage.removeItem(k);
      });
    },
    // assets/pwa.js learned who is logged in: the page already shown may be kept now.
    memberChanged: function () {
      if (member()) {
        wiped = false;
        // Copies taken while nobody was known yet (the first page after logging in may be copied
        // before the device learns who it is): they go, so a visitor never sees them.
        var pages = allPages(), owner = member();
        Object.keys(pages).forEach(function (name) {
          if (!pages[name] || pages[name].member !== owner) {
            localStorage.removeItem(PAGE + name);
            delete pages[name];
          }
        });
        try { localStorage.setItem(PAGES, JSON.stringify(pages)); } catch (e) { /* ignore */ }
      }
      soon();
    },
    pages: loadPages,
    snapshot: snapshot,
  };
})();
