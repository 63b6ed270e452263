// The page a reader comes back to from the store, while we wait for the store's word that
// the payment arrived. Every few seconds it asks for itself again, and once the answer is no
// longer "pending" it puts the new message in place of the old one, in the region screen
// readers announce politely. It never reloads the page under the reader (no meta refresh),
// and it gives up after two minutes; the "Check again" link works without it.
"use strict";
(function () {
  var region = document.querySelector("[data-checkout-state='pending']");
  if (!region || !window.fetch || !window.DOMParser) {
    return;
  }
  var EVERY_MS = 3000;
  var GIVE_UP_AFTER_MS = 120000;
  var started = Date.now();
  var check = function () {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-checkout-state]");
        if (fresh && fresh.getAttribute("data-checkout-state") !== "pending") {
          region.innerHTML = fresh.innerHTML;
          region.setAttribute("data-checkout-state", fresh.getAttribute("data-checkout-state"));
          document.title = page.title;
          return;
        }
        if (Date.now() - started < GIVE_UP_AFTER_MS) {
          window.setTimeout(check, EVERY_MS);
        }
      })
      .catch(function () {
        if (Date.now() - started < GIVE_UP_AFTER_MS) {
          window.setTimeout(check, EVERY_MS);
        }
      });
  };
  window.setTimeout(check, EVERY_MS);
})();
