// Read means seen (services/messaging.mark_seen): this tab tells the server whether it is in view
// (the Page Visibility API) and, while it is, up to which message the open conversation is shown.
// A message pushed into a hidden tab or onto a locked phone therefore stays unread: the badge,
// "nieuw" in the inbox and the mail to someone away follow from that. Reported through the
// shell's hidden #view-report trigger (buuv_app/layout.py -> SeenState.report_view), only when
// something changed: coming into view, going out of it, a new message, another page.
(function () {
  var sentKey = "", sentTo = null, pending = null;

  function lastShown(list) {
    var items = list.querySelectorAll("[data-message-id]");
    return items.length ? parseInt(items[items.length - 1].getAttribute("data-message-id"), 10) || 0 : 0;
  }

  function report() {
    var visible = document.visibilityState === "visible";
    var out = { visible: visible };
    var list = visible && document.getElementById("chat-messages");
    if (list) {
      var conversation = parseInt(list.getAttribute("data-conversation") || "", 10) || 0;
      var last = lastShown(list);
      if (conversation > 0 && last > 0) { out.conversation_id = conversation; out.message_id = last; }
    }
    return out;
  }

  function check() {
    pending = null;
    var trigger = document.getElementById("view-report");
    if (!trigger) return;  // nobody logged in, or the page is not ready yet
    var key = JSON.stringify(report());
    if (key === sentKey && trigger === sentTo) return;
    sentKey = key;
    sentTo = trigger;
    trigger.click();
  }

  function soon() { if (!pending) pending = setTimeout(check, 50); }

  // Going out of view is sent at once: a closing tab or a locking phone has little time left.
  document.addEventListener("visibilitychange", check);
  window.addEventListener("pageshow", soon);
  // Watched from when the browser is first idle, as in outbox.js and pwa.js: observing every node
  // of React's first render cost a phone start-up time, and nothing is to report before then.
  function start() {
    new MutationObserver(soon).observe(document.documentElement, { childList: true, subtree: true });
    soon();
  }
  if (window.requestIdleCallback) requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 200);
  window.buuvSeen = { report: report };
})();
