// Premium articles: the shared page carries only the opening and the subscribe box. This asks
// our private endpoint, with the reader's cookie, for what this reader may see: the whole body
// (subscribers, articles already counted against the free allowance), the "Read it now" form
// of a metered reader, or a subscribe box addressed to them.
//
// The GET never counts a read (link prefetching sends GETs too). A metered reader's read is
// counted by posting the fragment's own form, with the CSRF token it carries, once the page is
// really in front of the reader: not while it is prerendered or in a hidden tab.
"use strict";
(function () {
  var body = document.querySelector("[data-full-text-url]");
  if (!body || !window.fetch) {
    return;
  }
  var url = body.getAttribute("data-full-text-url");
  var posted = false;

  function fragment(options) {
    return fetch(url, Object.assign({ credentials: "same-origin", headers: { Accept: "text/html" } }, options))
      .then(function (response) {
        if (!response.ok) {
          return null;
        }
        var state = response.headers.get("X-Paywall");
        return response.text().then(function (html) {
          return { state: state, html: html };
        });
      });
  }

  function whenShown(callback) {
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", function () { whenShown(callback); }, { once: true });
    } else if (document.visibilityState !== "visible") {
      document.addEventListener("visibilitychange", function () { whenShown(callback); }, { once: true });
    } else {
      callback();
    }
  }

  function show(result) {
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
    var form = box && box.querySelector("[data-metered-read-form]");
    if (result.state === "metered" && form && !posted) {
      // Once only: should the answer be the form again, the reader's own button is there.
      posted = true;
      whenShown(function () {
        fragment({ method: "POST", body: new FormData(form) }).then(show).catch(function () {});
      });
    }
  }

  fragment({}).then(show).catch(function () {
    // The subscribe box already on the page still works without this.
  });
})();
