/* Kampung Industri service worker: an offline page, nothing else. Pages always come from the network;
   when there is none, a page request gets the offline page instead of the browser's error. */
"use strict";
var CACHE = "{{ cache|escapejs }}";
var OFFLINE_URL = "{{ offline_url|escapejs }}";
var ASSETS = [OFFLINE_URL{% for asset in assets %}, "{{ asset|escapejs }}"{% endfor %}];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  if (event.request.mode !== "navigate") { return; }
  event.respondWith(fetch(event.request).catch(function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_URL); });
  }));
});
