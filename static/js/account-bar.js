/* The signed-in bar. The page header is the same for every reader, so one cached copy serves
   them all, and it says "Sign in". For a signed-in reader this asks a private endpoint
   (/accounts/bar/) for their name, a link to their account and a sign-out button, and puts them
   in place of that link. Anonymous readers get an empty answer and keep the link; without
   JavaScript the link leads to the sign-in page, which sends a signed-in reader to their
   account. */
(function () {
  "use strict";

  function start() {
    var slot = document.querySelector("[data-account-bar-url]");
    if (!slot) {
      return;
    }
    fetch(slot.getAttribute("data-account-bar-url"), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        // 204: not signed in. Anything but 200 leaves the "Sign in" link as it is.
        return response.status === 200 ? response.text() : "";
      })
      .then(function (html) {
        if (html.trim()) {
          // Our own fragment, from our own origin: list items for the header's list.
          slot.insertAdjacentHTML("afterend", html);
          slot.remove();
        }
      })
      .catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
