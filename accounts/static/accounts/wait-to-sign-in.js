// The "one moment" page of a busy account's sign-in. It works without this file (the reader
// presses the button once the wait is over); with it, the page counts down and sends the
// attempt on by itself.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-wait-seconds]");
  if (!form) {
    return;
  }
  var status = form.querySelector("[data-wait-status]");
  var button = form.querySelector("button[type=submit]");
  // A second on top, so the proof is surely ready when it reaches the server.
  var remaining = parseInt(form.getAttribute("data-wait-seconds"), 10) + 1;
  button.disabled = true;

  function tick() {
    if (remaining <= 0) {
      status.textContent = "Signing you in…";
      button.disabled = false;
      form.submit();
      return;
    }
    status.textContent = "Continuing in " + remaining + " second" + (remaining === 1 ? "" : "s") + "…";
    remaining -= 1;
    window.setTimeout(tick, 1000);
  }
  tick();
});
