// "Import stops": the file goes to the API twice, first as a dry run whose stops fill the
// preview table, then, on "Confirm", for real. Text from the file and the server is only
// ever set with textContent; the words come from the page's data attributes.
(function () {
  "use strict";

  const form = document.getElementById("stop-import");
  if (!form) { return; }
  const status = document.getElementById("stop-status");
  const error = document.getElementById("stop-error");
  const result = document.getElementById("stop-preview-result");
  const rows = document.getElementById("stop-rows");
  const warnings = document.getElementById("stop-warnings");
  const confirm = document.getElementById("stop-confirm");
  const done = document.getElementById("stop-done");
  const msg = (name, count) => (form.dataset["msg" + name] || "").replace("{count}", count);

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
    status.textContent = "";
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    // numbers read left to right in every language (a minus sign stays in front)
    td.setAttribute("dir", className === "number" ? "ltr" : "auto");
    row.appendChild(td);
  }

  function fillPreview(answer) {
    rows.replaceChildren();
    answer.stops.forEach((stop, n) => {
      const row = document.createElement("tr");
      cell(row, String(n + 1), "number");
      cell(row, stop.title || msg("Untitled"));
      cell(row, stop.lat.toFixed(6), "number");
      cell(row, stop.lon.toFixed(6), "number");
      cell(row, stop.narrative_excerpt, "excerpt");
      cell(row, stop.source);
      rows.appendChild(row);
    });
    warnings.replaceChildren();
    answer.warnings.forEach((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      warnings.appendChild(item);
    });
  }

  async function send(dryRun) {
    const body = new FormData(form);
    if (dryRun) { body.set("dry_run", "true"); }
    error.hidden = true;
    status.textContent = msg("Reading");
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST", body, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": form.dataset.csrf },
      });
    } catch (failure) {
      showError(msg("Offline"));
      return null;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const fieldErrors = (answer.errors && (answer.errors.files || answer.errors.form)) || {};
      const first = Object.values(fieldErrors)[0];
      showError((first && first[0]) || answer.message || msg("Failed"));
      return null;
    }
    return answer;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.hidden = true;
    const answer = await send(true);
    if (!answer) { return; }
    fillPreview(answer);
    confirm.hidden = false;
    confirm.disabled = false;
    done.hidden = true;
    result.hidden = false;
    status.textContent = msg("Preview", answer.stops.length);
  });

  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    const answer = await send(false);
    if (!answer) { confirm.disabled = false; return; }
    confirm.hidden = true;
    done.hidden = false;
    status.textContent = msg("Added", answer.stop_ids.length);
    done.focus();
  });

  form.querySelector('input[type="file"]').addEventListener("change", () => {
    result.hidden = true;
    error.hidden = true;
    status.textContent = "";
  });
}());
