// The desk's service worker: it keeps the desk page and what it loads, so
// that the page opens with the network gone. Each is fetched from the
// network first and kept; the copy answers only when the network does
// not. The roster and the queue are the page's own, in IndexedDB; check-in
// calls are never answered from here.
"use strict";
var CACHE = "delegate-desk-1";
var SHELL = ["/admin/checkin", "/static/style.css", "/static/categories.css", "/static/form.js", "/static/desk.js", "/static/desk-camera.js", "/static/desk-icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || SHELL.indexOf(url.pathname) < 0) {
    return; // the network's, as if there were no worker
  }
  if (url.pathname === "/admin/checkin" && url.search !== "") {
    return; // a search or a language: only the plain page is kept
  }
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
