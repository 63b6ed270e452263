/* Comments: bring the comment form into the article page after it loads (the page itself is
   the same for every reader and may be cached), move the form under a comment to reply, count
   characters, and put Edit and Delete beside the reader's own comments in place of Report.
   Without this script every one of these works through plain links to standalone pages. */
(function () {
  "use strict";

  function countCharacters(root) {
    root.querySelectorAll("textarea[data-max-length]").forEach(function (area) {
      var counter = area.form && area.form.querySelector("[data-counter]");
      if (!counter) {
        return;
      }
      var limit = parseInt(area.getAttribute("data-max-length"), 10);
      var update = function () {
        var left = limit - area.value.length;
        counter.hidden = false;
        counter.textContent = left >= 0 ? left + " characters left" : -left + " characters over the limit";
        counter.classList.toggle("comment-form__counter--over", left < 0);
      };
      area.addEventListener("input", update);
      update();
    });
  }

  function showOwnActions(root) {
    root.querySelectorAll("[data-own-action]").forEach(function (link) {
      var card = document.querySelector('[data-comment-id="' + link.getAttribute("data-own-action") + '"]');
      var actions = card && card.querySelector(".comment__actions");
      if (!actions) {
        return;
      }
      // Nobody reports their own comment: the page is the same for every reader, so the
      // link is taken away here, once the reader is known.
      var report = actions.querySelector("[data-report]");
      if (report) {
        report.remove();
      }
      if (actions.querySelector('[href="' + link.getAttribute("href") + '"]')) {
        return;
      }
      var copy = link.cloneNode(true);
      copy.removeAttribute("data-own-action");
      actions.appendChild(copy);
    });
  }

  // Moderators' fragment carries one hidden pick form; each comment card gets its own copy,
  // saying "make" or "remove" by whether the card is already a pick.
  function addPickButtons(root) {
    var template = root.querySelector("[data-pick-form]");
    if (!template) {
      return;
    }
    var placeholder = template.getAttribute("data-placeholder");
    document.querySelectorAll(".comment__card[data-comment-id]").forEach(function (card) {
      var actions = card.querySelector(".comment__actions");
      var id = card.getAttribute("data-comment-id");
      if (!actions || actions.querySelector("[data-pick-form]")) {
        return;
      }
      var form = template.cloneNode(true);
      var picked = card.hasAttribute("data-pick");
      var button = form.querySelector("button");
      form.hidden = false;
      form.setAttribute("action", template.getAttribute("action").replace(placeholder, id));
      form.querySelector('input[name="featured"]').value = picked ? "0" : "1";
      form.querySelector('input[name="next"]').value = window.location.pathname + window.location.search + "#comment-" + id;
      button.textContent = button.getAttribute(picked ? "data-remove" : "data-make");
      var author = card.querySelector(".comment__author");
      if (author) {
        button.setAttribute("aria-label", button.textContent + ": the comment by " + author.textContent);
      }
      actions.appendChild(form);
    });
  }

  function enableReplies(slot) {
    var form = slot.querySelector("[data-comment-form]");
    if (!form) {
      return;
    }
    var home = form.parentNode;
    var homeNext = form.nextSibling;
    var replyTo = form.querySelector('input[name="reply_to"]');
    var banner = form.querySelector("[data-replying]");
    var name = form.querySelector("[data-replying-name]");
    var text = form.querySelector("textarea");
    document.querySelectorAll("[data-reply-to]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var card = link.closest(".comment__card");
        if (!replyTo || !card) {
          return;
        }
        event.preventDefault();
        replyTo.value = link.getAttribute("data-reply-to");
        name.textContent = link.getAttribute("data-reply-name");
        banner.hidden = false;
        card.after(form);
        text.focus();
      });
    });
    var cancel = form.querySelector("[data-cancel-reply]");
    if (cancel) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        replyTo.value = "0";
        banner.hidden = true;
        home.insertBefore(form, homeNext);
        text.focus();
      });
    }
  }

  function enhance(root) {
    countCharacters(root);
    showOwnActions(root);
    var errors = root.querySelector(".comment-errors");
    if (errors) {
      errors.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var slot = document.querySelector(".comment-form-slot[data-form-url]");
    if (!slot) {
      enhance(document);
      return;
    }
    fetch(slot.getAttribute("data-form-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("comment form: HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        // Our own fragment, from our own origin; the plain link stays if anything fails.
        slot.innerHTML = html;
        enhance(slot);
        enableReplies(slot);
        addPickButtons(slot);
      })
      .catch(function () {});
  });
})();
