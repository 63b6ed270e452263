// Keeps an open live page up to date: asks for entries newer than the newest one shown, every
// few seconds while the tab is visible (never while it is hidden), and puts them on top.
// The answer is the same for every reader and comes from the cache; an unchanged one is a 304.
"use strict";
(function () {
  var region = document.querySelector("[data-live-url]");
  if (!region || !window.fetch) {
    return;
  }
  var list = region.querySelector("[data-live-entries]");
  var status = region.querySelector("[data-live-status]");
  var url = region.getAttribute("data-live-url");
  var after = region.getAttribute("data-live-after") || "0";
  var seconds = parseInt(region.getAttribute("data-live-poll-seconds"), 10) || 20;
  var timer = null;
  var busy = false;
  var stopped = false;

  function announce(count, more) {
    status.textContent =
      (count === 1 ? "1 new update" : count + " new updates") +
      (more ? ". Some earlier ones are not shown: reload the page to see them all." : "");
  }

  function insert(entries, more) {
    // The answer is newest first; each goes on top in turn, oldest first, to keep that order.
    var added = 0;
    for (var index = entries.length - 1; index >= 0; index -= 1) {
      var entry = entries[index];
      if (document.getElementById("entry-" + entry.id)) {
        continue; // already shown (a retried or overlapping answer): never twice
      }
      var holder = document.createElement("div");
      // Our own server's rendering of an entry sanitised when it was saved.
      holder.innerHTML = entry.html;
      var element = holder.firstElementChild;
      if (element) {
        list.insertBefore(element, list.firstElementChild);
        added += 1;
      }
    }
    if (added) {
      var empty = list.querySelector("[data-live-empty]");
      if (empty) {
        empty.remove();
      }
      announce(added, more);
    }
  }

  function stop() {
    stopped = true;
    window.clearTimeout(timer);
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!stopped && document.visibilityState === "visible") {
      timer = window.setTimeout(poll, seconds * 1000);
    }
  }

  function poll() {
    if (busy || stopped || document.visibilityState !== "visible") {
      return;
    }
    busy = true;
    // "no-cache": the browser asks again each time, with its ETag, instead of reusing the copy
    // it may keep for a minute; an unchanged answer is then a 304 with no body.
    fetch(url + "?after=" + encodeURIComponent(after), { cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        if (response.status === 404) {
          stop(); // the page was withdrawn or is no longer live
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer) {
          return;
        }
        insert(answer.entries || [], answer.more);
        if (answer.latest && Number(answer.latest) > Number(after)) {
          after = String(answer.latest);
        }
        if (answer.ended) {
          stop();
          status.textContent = "Live coverage has ended. Reload the page for the summary.";
        }
      })
      .catch(function () {
        // Offline or the server is busy: try again at the next turn.
      })
      .then(function () {
        busy = false;
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      poll(); // catch up at once on return
    } else {
      window.clearTimeout(timer);
    }
  });
  schedule();
})();
