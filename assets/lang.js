// Set <html lang> from the visitor's language cookie before the page renders, so screen
// readers pronounce English pages as English (the compiled pages say lang="nl").
(function () {
  var match = document.cookie.match(/(?:^|;\s*)buuv_lang=(nl|en)(?:;|$)/);
  document.documentElement.lang = match ? match[1] : "nl";
})();
