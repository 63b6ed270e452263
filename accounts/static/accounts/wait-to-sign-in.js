// The "one moment" page of a busy account's sign-in. It works without this file (the reader
// types the password again and presses the button once the wait is over); with it, the page
// counts down, keeps the button off until the wait is over, and then sends the form on by
// itself if the password is already typed in (the password never comes back in the page).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-wait-seconds]");
  if (!form) {
    return;
  }
  var status = form.querySelector("[data-wait-status]");
  var button = form.querySelector("button[type=submit]");
  var password = form.querySelector("input[type=password]");
  // A second on top, so the proof is surely ready when it reaches the server.
  var remaining = parseInt(form.getAttribute("data-wait-seconds"), 10) + 1;
  var ready = false;
  button.disabled = true;
  if (password) {
    password.focus();
  }

  function typed() {
    return !password || password.value !== "";
  }

  form.addEventListener("submit", function (event) {
    if (!ready) {
      event.preventDefault();
    }
  });

  function tick() {
    if (remaining <= 0) {
      ready = true;
      button.disabled = false;
      if (typed()) {
        status.textContent = "Signing you in…";
        form.requestSubmit();
      } else {
        status.textContent = "Type your password again, then continue.";
      }
      return;
    }
    status.textContent = "Type your password again; continuing in " + remaining +
      " second" + (remaining === 1 ? "" : "s") + "…";
    remaining -= 1;
    window.setTimeout(tick, 1000);
  }
  tick();
});
