/* Register the service worker (frontend/templates/frontend/storefront/sw.js): an offline page when there is no
   connection. Its address comes from the script tag's data-service-worker attribute. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.serviceWorker;
  if (!url || !("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, {scope: "/"}).catch(function () { /* the site works without it */ });
  });
})();
