// Progressive enhancement only: every page reads and works without this file.
"use strict";

(function () {
  // Text size for reading, remembered across pages in this browser -----------------------
  var STORAGE_KEY = "newsroom:text-size";
  var STEPS = [0.875, 1, 1.125, 1.25, 1.375, 1.5];
  var DEFAULT_STEP = 1;

  function storedStep() {
    try {
      var value = parseInt(window.localStorage.getItem(STORAGE_KEY), 10);
      return isNaN(value) ? DEFAULT_STEP : Math.min(Math.max(value, 0), STEPS.length - 1);
    } catch (error) {
      return DEFAULT_STEP; // storage disabled: the control still works for this page
    }
  }

  function applyStep(step) {
    document.documentElement.style.setProperty("--reading-scale", String(STEPS[step]));
    document.documentElement.setAttribute("data-text-size", String(step));
  }

  var currentStep = storedStep();
  applyStep(currentStep);

  function setUpTextSize() {
    var control = document.querySelector("[data-font-size]");
    if (!control) {
      return;
    }
    var buttons = control.querySelectorAll("[data-font-step]");
    function refresh() {
      buttons.forEach(function (button) {
        var delta = parseInt(button.getAttribute("data-font-step"), 10);
        var next = currentStep + delta;
        button.disabled = next < 0 || next >= STEPS.length;
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var next = currentStep + parseInt(button.getAttribute("data-font-step"), 10);
        if (next < 0 || next >= STEPS.length) {
          return;
        }
        currentStep = next;
        applyStep(currentStep);
        try {
          window.localStorage.setItem(STORAGE_KEY, String(currentStep));
        } catch (error) {
          // Not remembered, but this page still changes.
        }
        refresh();
      });
    });
    control.hidden = false;
    refresh();
  }

  // Video: a facade until the reader asks, so no request goes to the provider before -------
  function setUpVideos() {
    document.querySelectorAll("[data-video-src]").forEach(function (figure) {
      var button = figure.querySelector(".video__play");
      var frame = figure.querySelector(".video__frame");
      if (!button || !frame) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var src = figure.getAttribute("data-video-src");
        var iframe = document.createElement("iframe");
        iframe.src = src + (src.indexOf("?") === -1 ? "?" : "&") + "autoplay=1";
        iframe.title = figure.getAttribute("data-video-title") || "Video";
        iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
        iframe.allowFullscreen = true;
        iframe.referrerPolicy = "strict-origin-when-cross-origin";
        iframe.className = "video__iframe";
        frame.replaceChildren(iframe);
        iframe.focus();
      });
    });
  }

  function start() {
    setUpTextSize();
    setUpVideos();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
