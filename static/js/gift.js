// Gift links. On the recipient's page: tells us once that the article was opened, when the
// page is actually shown (a prefetch, a prerender or a link preview never runs this or is
// never visible). On the sender's page: the "Copy link" button.
"use strict";
(function () {
  var note = document.querySelector("[data-gift-opened-url]");
  if (note && navigator.sendBeacon) {
    var sent = false;
    var send = function () {
      if (!sent && document.visibilityState === "visible") {
        sent = true;
        navigator.sendBeacon(note.getAttribute("data-gift-opened-url"));
      }
    };
    send();
    document.addEventListener("visibilitychange", send);
  }

  var box = document.querySelector("[data-copy]");
  if (!box) {
    return;
  }
  var source = box.querySelector("[data-copy-source]");
  var button = box.querySelector("[data-copy-button]");
  var status = box.querySelector("[data-copy-status]");
  var copied = function () {
    status.textContent = "Link copied. Paste it into an email or a message.";
  };
  var selectIt = function () {
    source.focus();
    source.select();
  };
  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(copied, function () {
        selectIt();
        status.textContent = "The link is selected: copy it with your keyboard or menu.";
      });
      return;
    }
    selectIt();
    status.textContent = "The link is selected: copy it with your keyboard or menu.";
  });
  source.addEventListener("focus", selectIt);
})();
