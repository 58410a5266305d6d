/* Progressive enhancement only: the register refuses a duplicate number on the server anyway.
   As the clerk or signer types a number by hand, ask /staff/register/check and warn at once
   when that number and symbol are already given this year (Decree 30/2020: an electronic
   register warns on a duplicate), or when a lower number already carries a later date. */
(function () {
  "use strict";

  function watch(input, typeOf, dateOf, url, warning) {
    if (!input || !url) { return; }
    if (!warning) {
      warning = document.createElement("p");
      warning.className = "register-warning";
      warning.setAttribute("role", "status");
      warning.setAttribute("aria-live", "polite");
      warning.hidden = true;
      input.insertAdjacentElement("afterend", warning);
    }
    var timer = null;
    function check() {
      var number = (input.value || "").trim();
      if (!/^[0-9]+$/.test(number)) { warning.hidden = true; return; }
      var params = new URLSearchParams({ type: typeOf(), number: number });
      var day = dateOf();
      if (day) { params.set("issued_on", day); }
      fetch(url + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && (data.available === false || data.warning)) {
            warning.textContent = data.available === false ? data.message : data.warning;
            warning.hidden = false;
            input.setAttribute("aria-invalid", "true");
          } else {
            warning.hidden = true;
            input.removeAttribute("aria-invalid");
          }
        })
        .catch(function () { warning.hidden = true; });
    }
    function later() { clearTimeout(timer); timer = setTimeout(check, 300); }
    input.addEventListener("input", later);
    input.addEventListener("change", check);
    if (input.value) { check(); }
  }

  function valueOf(el) { return el ? el.value : ""; }

  // The register's own entry form.
  var warning = document.getElementById("number-warning");
  if (warning) {
    var type = document.getElementById("type");
    var day = document.getElementById("issued_on");
    var number = document.getElementById("number");
    watch(number, function () { return valueOf(type); }, function () { return valueOf(day); },
      warning.getAttribute("data-check-url"), warning);
    if (type) { type.addEventListener("change", function () { number.dispatchEvent(new Event("change")); }); }
  }

  // Number inputs on a consultation's documents page.
  document.querySelectorAll("input[data-register-check]").forEach(function (input) {
    var dayInput = document.getElementById(input.getAttribute("data-date-input"));
    watch(input, function () { return input.getAttribute("data-type"); },
      function () { return valueOf(dayInput); }, input.getAttribute("data-check-url"), null);
  });

  // Number fields of workflow actions (plan, decision, implementation plan).
  document.querySelectorAll("[data-register-field]").forEach(function (spec) {
    var input = document.querySelector("input[name='" + spec.getAttribute("data-register-field") + "']");
    var dateName = spec.getAttribute("data-date-field");
    var dayInput = dateName ? document.querySelector("input[name='" + dateName + "']") : null;
    watch(input, function () { return spec.getAttribute("data-type"); },
      function () { return valueOf(dayInput); }, spec.getAttribute("data-check-url"), null);
  });
}());
