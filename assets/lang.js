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
