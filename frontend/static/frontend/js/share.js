/* The phone's share sheet (progressive enhancement): <button class="share-native" data-share-url data-share-title hidden>
   is shown only where the browser has the Web Share API; the WhatsApp link and the address field work without it. */
(function () {
  "use strict";
  if (typeof navigator.share !== "function") { return; }
  document.querySelectorAll("button.share-native").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl }).catch(function () {});
    });
  });
})();
