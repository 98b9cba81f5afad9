/* Behaviour shared by every page, kept out of the templates so that the Content-Security-Policy can forbid
   inline scripts and event handlers (market/core/security_headers.py). The templates declare what they want
   with data- attributes; any text shown comes translated from the template:

   - form[data-confirm="Question?"]: ask before sending; Cancel sends nothing.
   - button[data-print]: print the page.
   - [data-submit-once] on a form or on an area holding forms: a POST form is sent once; a second tap or Enter
     while a slow connection loads does nothing (the server is idempotent too). The buttons are disabled after
     the browser has read the pressed button's value, and enabled again when the page comes back from the
     back-forward cache. */
(function () {
  "use strict";

  function submitOnce(form) {
    return form.method.toLowerCase() === "post" && form.closest("[data-submit-once]") !== null;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) { return; }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (!submitOnce(form)) { return; }
    if (form.dataset.submitting) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-busy]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();
