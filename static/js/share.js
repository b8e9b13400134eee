// Sharing a tour: copy buttons, the embed size choice, and the handout's Print button.
// The snippets come made and escaped by the server (a JSON element); this file only
// puts one of them into the read-only textarea as its value (text, never HTML).
(function () {
  "use strict";

  var status = document.querySelector(".share-status");

  function announce(key) {
    if (!status) return;
    status.textContent = "";
    // a fresh text each time, so screen readers say it again
    window.setTimeout(function () {
      status.textContent = status.dataset[key] || "";
    }, 50);
  }

  function copyFrom(field) {
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { announce("copied"); },
        function () { announce("copyFailed"); }
      );
      return;
    }
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (err) {
      done = false;
    }
    announce(done ? "copied" : "copyFailed");
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    button.addEventListener("click", function () { copyFrom(field); });
  });

  document.querySelectorAll("textarea[data-select-on-click]").forEach(function (area) {
    area.addEventListener("click", function () { area.select(); });
  });

  var data = document.getElementById("share-snippets");
  var area = document.getElementById("share-embed");
  if (data && area) {
    var snippets = {};
    try {
      snippets = JSON.parse(data.textContent);
    } catch (err) {
      snippets = {};
    }
    document.querySelectorAll("input[data-embed-size]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked && typeof snippets[radio.value] === "string") {
          area.value = snippets[radio.value];
        }
      });
    });
  }

  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
