// BUUV push notifications, in the browser: "Meldingen aanzetten" on /account subscribes this device
// (only from that tap, never on page load), "uitzetten" unsubscribes it, and
// window.buuvPush.forgetDevice() drops the subscription at logout (called by pwa.js clearPrivate).
//
// The texts are in the page (pages/account.py); this script only flags <html data-push="...">:
// on | off | ios-install (iOS outside the installed app) | denied | unsupported | failed | busy,
// and assets/buuv.css shows the matching one. The server learns of a subscription through
// /api/push/subscribe and /api/push/unsubscribe (api/push.py), with the session cookie.
(function () {
  var root = document.documentElement;

  function flag(state) { root.setAttribute("data-push", state); }

  function isIos() {
    return /iPad|iPhone|iPod/.test(navigator.userAgent)
      || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  function standalone() {
    return (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches)
      || window.navigator.standalone === true;
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("push: server said " + response.status);
      return response;
    });
  }

  function currentSubscription() {
    if (!supported()) return Promise.resolve(null);
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  // What this device can do now: flags <html> for the texts on /account.
  function refresh() {
    if (isIos() && !standalone()) return Promise.resolve(flag("ios-install"));
    if (!supported()) return Promise.resolve(flag("unsupported"));
    if (Notification.permission === "denied") return Promise.resolve(flag("denied"));
    return currentSubscription().then(function (subscription) {
      flag(subscription && Notification.permission === "granted" ? "on" : "off");
    }, function () { flag("off"); });
  }

  function enable() {
    if (isIos() && !standalone()) return Promise.resolve(flag("ios-install"));
    if (!supported()) return Promise.resolve(flag("unsupported"));
    flag("busy");
    // Asked here, in the tap's own task: browsers only show the question after a tap.
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { flag(permission === "denied" ? "denied" : "off"); return null; }
      return Promise.all([
        navigator.serviceWorker.ready,
        fetch("/api/push/key", { credentials: "same-origin" }).then(function (r) { return r.json(); }),
      ]).then(function (results) {
        var registration = results[0];
        return registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey: keyBytes(results[1].publicKey),
          });
        });
      }).then(function (subscription) {
        var data = subscription.toJSON();
        data.locale = root.lang === "en" ? "en" : "nl";
        return post("/api/push/subscribe", data).then(function () { flag("on"); });
      });
    }).catch(function (error) {
      console.warn("BUUV: push not enabled", error);
      flag("failed");
    });
  }

  function disable() {
    flag("busy");
    return currentSubscription().then(function (subscription) {
      if (!subscription) return flag("off");
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post("/api/push/unsubscribe", { endpoint: endpoint }).catch(function () {});
      }).then(function () { flag("off"); });
    }).catch(function () { flag("failed"); });
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("#push-enable")) enable();
    else if (target.closest("#push-disable")) disable();
  });

  window.buuvPush = {
    refresh: refresh,
    // At logout: the browser forgets the subscription (the server already did, with the session).
    forgetDevice: function () {
      return currentSubscription().then(function (subscription) {
        return subscription ? subscription.unsubscribe() : null;
      }).catch(function () {});
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
