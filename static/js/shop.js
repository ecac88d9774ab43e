// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Filters apply with «Bruk filter», never on change: reloading while a keyboard user moves
  // through a select would be a change of context on input (WCAG 3.2.2).

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

  // «Skriv ut» on the order page: a button only where a script can print (the print stylesheet
  // works for the browser's own print command too).
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // «Send bestilling» only once; the server is idempotent anyway, this just avoids a second wait.
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();

// Add to cart without leaving the list: the page keeps its scroll position; a status line reports.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.add-form");
  if (!forms.length || !window.fetch || !window.FormData) { return; }
  var status = document.createElement("p");
  status.className = "cart-toast";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);
  var timer;
  function say(text, ok) {
    status.textContent = text;
    status.className = "cart-toast cart-toast-visible" + (ok ? "" : " cart-toast-error");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { status.className = "cart-toast"; }, 5000);
  }
  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.status === 403 || response.redirected) { form.submit(); return null; }
        return response.json();
      }).then(function (data) {
        if (data) { say(data.message, data.ok); }
      }).catch(function () { form.submit(); }).finally(function () { button.disabled = false; });
    });
  });
})();
