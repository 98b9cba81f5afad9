/* Search box autocomplete: htmx fills #search-suggestions; this makes it an ARIA combobox.
   Arrow keys move through the options, Enter or a tap picks one (fills the box and searches),
   Escape closes the list. Without JavaScript the box is a plain search form. */
(function () {
  "use strict";
  function setup() {
    /* Every search box: the page's own and the one in the header. */
    Array.prototype.forEach.call(document.querySelectorAll("input[role=combobox][aria-controls]"), function (input) {
      var list = document.getElementById(input.getAttribute("aria-controls"));
      if (list && input.form) { combobox(input, list); }
    });
  }
  function combobox(input, list) {
    var active = -1;

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function close() {
      list.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = options();
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function pick(item) {
      input.value = item.getAttribute("data-value");
      close();
      if (input.form.requestSubmit) { input.form.requestSubmit(); } else { input.form.submit(); }
    }

    list.addEventListener("htmx:afterSwap", function () {
      active = -1;
      input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", options().length ? "true" : "false");
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && items[active]) {
        event.preventDefault();
        pick(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); }); /* keep focus in the box */
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) pick(item);
    });
    /* Keep shared links short: leave empty options out of the URL. */
    input.form.addEventListener("submit", function () {
      Array.prototype.forEach.call(input.form.elements, function (field) {
        if (field.name && field.name !== "q" && (field.value === "" || (field.name === "sort" && field.value === "relevance"))) {
          field.disabled = true;
        }
      });
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(input.form.elements, function (field) { field.disabled = false; });
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
