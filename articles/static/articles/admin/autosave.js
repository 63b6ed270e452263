// The article edit page's autosave and edit lock (articles/editing.py).
//
// Every few seconds, when the form changed, its text fields are sent to the autosave endpoint,
// which keeps them as this person's draft copy (never the article itself). The same request
// renews the edit lock; with nothing changed a bare request renews it less often. If someone
// took the article over, the answer says so: the page shows who, and stops sending. Leaving
// the page lets go of the lock, except when it is the form's own save that leaves.
"use strict";

(function () {
  const status = document.getElementById("autosave-status");
  const form = document.getElementById("article_form");
  if (!status || !form) {
    return;
  }
  const FIELDS = [
    "headline", "slug", "standfirst", "body", "image_alt", "image_caption", "image_credit",
    "seo_title", "seo_description", "loaded_version",
  ];
  const autosaveUrl = status.dataset.autosaveUrl;
  const releaseUrl = status.dataset.releaseUrl;
  const intervalMs = Number(status.dataset.interval) * 1000;
  const heartbeatMs = Number(status.dataset.heartbeat) * 1000;
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  let changed = false;
  let stopped = false;
  let submitting = false;
  let sending = false;
  let lastSent = Date.now();

  function snapshot() {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken);
    return data;
  }

  function withFields(data) {
    for (const name of FIELDS) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field) {
        data.append(name, field.value);
      }
    }
    return data;
  }

  function showTakenOver(message) {
    stopped = true;
    status.textContent = message;
    status.classList.add("is-stopped");
    const banner = document.createElement("div");
    banner.className = "edit-lock";
    banner.setAttribute("role", "alert");
    const text = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = message;
    text.append(strong);
    banner.append(text);
    form.before(banner);
    for (const button of form.querySelectorAll(".workflow-buttons input[type=submit]")) {
      button.disabled = true;
    }
  }

  async function send() {
    if (stopped || submitting || sending) {
      return;
    }
    const due = changed || Date.now() - lastSent >= heartbeatMs;
    if (!due) {
      return;
    }
    const sendingChanges = changed;
    changed = false;
    sending = true;
    lastSent = Date.now();
    try {
      const data = sendingChanges ? withFields(snapshot()) : snapshot();
      const response = await fetch(autosaveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      if (answer.state === "taken") {
        showTakenOver(answer.message);
      } else if (answer.message) {
        status.textContent = answer.message;
      } else if (!response.ok) {
        changed = changed || sendingChanges;
        status.textContent = "Could not keep a draft copy just now; trying again.";
      }
    } catch {
      changed = changed || sendingChanges;
      status.textContent = "Could not reach the site to keep a draft copy; trying again.";
    } finally {
      sending = false;
    }
  }

  form.addEventListener("input", () => {
    changed = true;
  });
  form.addEventListener("change", () => {
    changed = true;
  });
  form.addEventListener("submit", () => {
    // The save itself keeps the text; an autosave arriving after it would bring back a copy.
    submitting = true;
  });
  window.addEventListener("pagehide", () => {
    if (submitting || stopped || !releaseUrl) {
      return;
    }
    navigator.sendBeacon(releaseUrl, snapshot());
  });
  window.setInterval(send, Math.min(intervalMs, heartbeatMs));
})();
