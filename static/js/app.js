// Behaviour every page may use, attached from data attributes: the Content-Security-Policy
// runs no inline handlers (onclick="..."), so none are written in the templates.
(function () {
  "use strict";

  // A link or token shown once: one click selects it for copying.
  document.querySelectorAll("input[data-select-on-click]").forEach((input) => {
    input.addEventListener("click", () => input.select());
  });
})();
