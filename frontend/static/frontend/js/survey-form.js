/* Survey form: add a commodity row in the page (without JavaScript the button asks the server for one).
   The new row is a copy of the <template id="survey-line-template"> the page renders. */
(function () {
  "use strict";
  var button = document.getElementById("add-line");
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  var max = document.getElementById("id_lines-MAX_NUM_FORMS");
  var template = document.getElementById("survey-line-template");
  var lines = document.getElementById("survey-lines");
  if (!button || !total || !template || !lines) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    lines.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = lines.lastElementChild.querySelector("select, input");
    if (added) { added.focus(); }
  });
})();
