// Push notifications on the notification settings page: shown only where the browser can do
// them; the rest of the page is a plain form that works without this file.
(function () {
  "use strict";
  var box = document.getElementById("push-settings");
  if (!box || !box.dataset.key || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) return;
  var on = box.querySelector("[data-push='on']");
  var off = box.querySelector("[data-push='off']");
  var status = box.querySelector("[data-push='status']");
  var token = document.querySelector("input[name='csrfmiddlewaretoken']");

  function keyBytes(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  // The site's service worker if one is registered already, else this minimal one.
  function worker() {
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration || navigator.serviceWorker.register(box.dataset.worker, { scope: "/", updateViaCache: "all" });
    }).then(function () { return navigator.serviceWorker.ready; });
  }
  function post(url, subscription) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(subscription)
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || box.dataset.failed);
        return body;
      });
    });
  }
  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }
  function fail(error) { status.textContent = (error && error.message) || box.dataset.failed; }

  box.hidden = false;
  worker().then(function (registration) { return registration.pushManager.getSubscription(); })
    .then(function (subscription) { show(Boolean(subscription)); }, fail);
  on.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { status.textContent = box.dataset.denied; return null; }
      return worker().then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key)
        });
      }).then(function (subscription) {
        return post(box.dataset.subscribe, subscription.toJSON());
      }).then(function (body) { status.textContent = body.message; show(true); });
    }).catch(fail);
  });
  off.addEventListener("click", function () {
    worker().then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) { show(false); return null; }
        return post(box.dataset.unsubscribe, subscription.toJSON()).then(function (body) {
          return subscription.unsubscribe().then(function () {
            status.textContent = body.message;
            show(false);
          });
        });
      }).catch(fail);
  });
})();
