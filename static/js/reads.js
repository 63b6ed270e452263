// Counts one read of the article on this page, after it has loaded, without delaying it.
// The page itself is cached and shared, so the count cannot happen while serving it.
"use strict";
(function () {
  var article = document.querySelector("[data-read-url]");
  if (!article || !navigator.sendBeacon) {
    return;
  }
  var url = article.getAttribute("data-read-url");
  // Only readers who stay a moment count: a bounce or a prefetch does not.
  window.setTimeout(function () {
    if (document.visibilityState === "visible") {
      navigator.sendBeacon(url);
    }
  }, 3000);
})();
