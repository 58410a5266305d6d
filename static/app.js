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
