/* Progressive enhancement only: every page works without this file.
   Shows the "other place" input only when "Other" is chosen as the village. */
(function () {
  "use strict";
  var select = document.getElementById("locality");
  var other = document.querySelector(".locality-other");
  if (!select || !other) { return; }
  function sync() {
    other.hidden = select.value !== "__other__" && !other.classList.contains("has-error");
  }
  select.addEventListener("change", sync);
  sync();
}());

/* The comment form: the clauses of the article chosen, and the text being commented on. */
(function () {
  "use strict";
  var data = document.getElementById("clause-map");
  var article = document.getElementById("article");
  var clause = document.getElementById("clause");
  var quoted = document.getElementById("commented-text");
  var body = document.getElementById("commented-text-body");
  if (!data || !article || !clause || !quoted || !body) { return; }
  var map = JSON.parse(data.textContent || "{}");
  var label = data.getAttribute("data-clause-label") || "{n}";
  function show() {
    var item = map[article.value];
    var text = item ? (item.clauses[clause.value] || item.text) : "";
    body.textContent = text;
    body.style.whiteSpace = "pre-line";
    quoted.hidden = !text;
  }
  function options() {
    var item = map[article.value];
    var keep = clause.value;
    while (clause.options.length > 1) { clause.remove(1); }
    var numbers = item ? Object.keys(item.clauses) : [];
    numbers.sort(function (a, b) { return Number(a) - Number(b); });
    numbers.forEach(function (n) {
      var option = document.createElement("option");
      option.value = n;
      option.textContent = label.replace("{n}", n);
      clause.appendChild(option);
    });
    clause.value = numbers.indexOf(keep) >= 0 ? keep : "";
    clause.closest(".field").hidden = numbers.length === 0;
    show();
  }
  article.addEventListener("change", options);
  clause.addEventListener("change", show);
  clause.closest(".field").hidden = clause.options.length <= 1;
}());
