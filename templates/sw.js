{% load i18n %}// The platform's service worker: shows push notices and opens their page on a click; keeps the
// static files and the offline page on the device for weak links. Pages are never stored: a page
// with someone's appeals must not be shown to the next person using a shared phone.
"use strict";
var PREFIX = "pos-static-";
var CACHE = PREFIX + "{{ cache_version|escapejs }}";  // a new name whenever the static files change
var OFFLINE_URL = "{{ offline_url|escapejs }}";
var STATIC_URL = "{{ static_url|escapejs }}";
var SHELL = {{ shell_json|safe }};  // JSON of the site's own static URLs
// Names with a content hash (ManifestStaticFilesStorage) never change: served from the device.
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // The offline page as a visitor who is not signed in sees it (no cookies sent).
    var requests = SHELL.concat([OFFLINE_URL]).map(function (url) {
      return new Request(url, { credentials: "omit" });
    });
    return cache.addAll(requests);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromNetworkKeeping(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Always from the network, never stored; without a network, the offline page.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_URL); });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_URL) !== 0) return;
  if (HASHED.test(url.pathname)) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) { return hit || fromNetworkKeeping(request); });
    }));
  } else {
    // Unhashed names (development): the network first, the stored copy when offline.
    event.respondWith(fromNetworkKeeping(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(request); });
    }));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "{{ _('Feedback Platform')|escapejs }}", {
    body: data.body || "",
    tag: data.tag,
    data: { url: data.url || "/" }
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url.href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url.href);
  }));
});
