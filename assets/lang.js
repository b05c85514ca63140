// Set <html lang> from the visitor's language cookie before the page renders, so screen
// readers pronounce English pages as English (the compiled pages say lang="nl").
(function () {
  var match = document.cookie.match(/(?:^|;\s*)buuv_lang=(nl|en)(?:;|$)/);
  document.documentElement.lang = match ? match[1] : "nl";
})();

// "Grotere letters": a choice kept on this device (not private data, never sent to the server),
// applied here, before the page is drawn, so the text does not jump. The footer's button toggles it.
(function () {
  var KEY = "buuv_text_size", root = document.documentElement;
  try {
    if (localStorage.getItem(KEY) === "large") root.classList.add("buuv-large");
  } catch (e) { /* storage switched off: normal letters */ }
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#text-size-toggle")) return;
    var large = root.classList.toggle("buuv-large");
    try { localStorage.setItem(KEY, large ? "large" : "normal"); } catch (e) { /* this visit only */ }
  });
})();

// A form drawn before the app's script took over (a slow phone, the first second of a visit) must
// never be sent by the browser itself: that is a GET with every field, a password included, in the
// address bar and the history of a shared device. The app sends its forms over the live connection
// (its handlers prevent the default too); this stops the browser's own sending for every form.
document.addEventListener("submit", function (event) { event.preventDefault(); }, true);

// Before the app has started (<html data-app-started>, buuv_app/layout.py AppStarted) a tap on a
// control reaches nothing (assets/buuv.css): it would be lost, or undone by the page's own loading.
// So that nobody wonders whether the phone heard them, such a tap shows "Even geduld…" (the shell's
// #early-tap-hint, in the page's language) until the app has started. The control is found by its
// place on the screen: the tap itself, with pointer-events off, lands on what lies behind it.
(function () {
  var root = document.documentElement;
  // The controls assets/buuv.css holds back (tests/unit/test_front_end_assets.py keeps both lists equal).
  var CONTROLS = 'button, select, label, [role="button"], [role="checkbox"], [role="radio"], [role="switch"], ' +
    '[role="combobox"], [role="tab"], [role="menuitem"], input[type="checkbox"], input[type="radio"], ' +
    'input[type="submit"], input[type="button"]';
  document.addEventListener("pointerdown", function (event) {
    if (root.hasAttribute("data-app-started") || !document.getElementById("early-tap-hint")) return;
    var controls = document.querySelectorAll(CONTROLS);
    for (var i = 0; i < controls.length; i++) {
      var box = controls[i].getBoundingClientRect();
      if (box.width && event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top &&
          event.clientY <= box.bottom && !controls[i].closest("#offline-view, #early-tap-hint")) {
        root.setAttribute("data-early-tap", "");
        return;
      }
    }
  }, true);
})();

// Toasts sit just below the sticky header, never over it (assets/buuv.css reads the height): the
// header's height changes with "Grotere letters", the language and the phone's width.
(function () {
  var root = document.documentElement, current = null;
  var sizes = new ResizeObserver(function () {
    if (current) root.style.setProperty("--buuv-header-height", current.getBoundingClientRect().height + "px");
  });
  function follow() {
    var header = document.querySelector("body header");
    if (header === current) return;
    if (current) sizes.unobserve(current);
    current = header;
    if (header) sizes.observe(header);
  }
  function start() {
    follow();
    new MutationObserver(follow).observe(document.body, { childList: true, subtree: true });
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
