/* Copy buttons (progressive enhancement): <button data-copy="text" data-copied="Copied" hidden> is shown only
   where the browser can write to the clipboard; without it the figures can still be selected and copied. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.innerHTML;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = button.dataset.copied || "✓";
        button.setAttribute("aria-live", "polite");
        setTimeout(function () { button.innerHTML = label; }, 2000);
      });
    });
  });
})();
