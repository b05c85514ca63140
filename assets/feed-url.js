// Keep the address bar in step with a feed's filter form, so a link can be shared. Done in the
// browser, from the form itself: a round trip for it would slow every filter change down.
// The parameter names and kind words match buuv_app/state/feed.py (_read_address).
window.buuvSyncFeedUrl = function (formId, overrides) {
  var form = document.getElementById(formId);
  if (!form) return;
  var words = { request: "vraag", offer: "aanbod" };
  var data = new FormData(form);
  // The kind is not in the form: its buttons pass it, otherwise it stays as the address has it.
  var current = new URLSearchParams(window.location.search).get("soort") || "";
  var kind = overrides && "kind" in overrides ? overrides.kind : "";
  var wijken = [];
  data.forEach(function (value, key) {
    if (key.indexOf("wijk:") === 0) wijken.push(key.slice(5));
  });
  var params = new URLSearchParams();
  if (words[kind]) params.set("soort", words[kind]);
  else if (!(overrides && "kind" in overrides) && current) params.set("soort", current);
  if (data.get("category")) params.set("categorie", data.get("category"));
  if (data.get("q")) params.set("q", String(data.get("q")).trim());
  if (data.get("municipality")) params.set("gemeente", data.get("municipality"));
  if (wijken.length) params.set("buurten", wijken.join(","));
  var query = params.toString();
  window.history.replaceState(window.history.state, "", window.location.pathname + (query ? "?" + query : ""));
};
