// Premium articles: the shared page carries only the opening and the subscribe box. This asks
// our private endpoint, with the reader's cookie, for what this reader may see: the whole body
// (subscribers, free-article allowance) or a subscribe box addressed to them.
"use strict";
(function () {
  var body = document.querySelector("[data-full-text-url]");
  if (!body || !window.fetch) {
    return;
  }
  fetch(body.getAttribute("data-full-text-url"), {
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  })
    .then(function (response) {
      if (!response.ok) {
        return null;
      }
      var state = response.headers.get("X-Paywall");
      return response.text().then(function (html) {
        return { state: state, html: html };
      });
    })
    .then(function (result) {
      if (!result) {
        return;
      }
      if (result.state === "open") {
        body.innerHTML = result.html;
        body.classList.add("premium-body--open");
        return;
      }
      var box = body.querySelector("[data-paywall]");
      if (box) {
        box.innerHTML = result.html;
      }
    })
    .catch(function () {
      // The subscribe box already on the page still works without this.
    });
})();
