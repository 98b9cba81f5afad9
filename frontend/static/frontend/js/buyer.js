/* Buyer pages: with htmx loaded the village list follows the district by itself, so the "Show villages"
   button (the way without JavaScript) is hidden. */
(function () {
  "use strict";
  if (!window.htmx) { return; }
  document.querySelectorAll(".picker-show").forEach(function (button) { button.hidden = true; });
})();
