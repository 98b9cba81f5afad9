// Placements: the delivery note's print button (the page prints without it from the browser's menu too).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
