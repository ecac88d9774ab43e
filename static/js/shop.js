// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Filters apply as soon as a select or checkbox changes.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
  });

  // Checkout: show only the part that belongs to the chosen delivery method.
  var radios = document.querySelectorAll("input[name=delivery_method]");
  function showDelivery() {
    var chosen = document.querySelector("input[name=delivery_method]:checked");
    document.querySelectorAll("[data-delivery]").forEach(function (part) {
      part.hidden = chosen ? part.getAttribute("data-delivery") !== chosen.value : false;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showDelivery); });
  if (radios.length) { showDelivery(); }

  // «Send bestilling» only once; the server is idempotent anyway, this just avoids a second wait.
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
