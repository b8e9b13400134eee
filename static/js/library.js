// The team's media page: Uppy (Dashboard + tus) for uploads, and live processing status.
// Text from the server is only ever set with textContent.
(function () {
  "use strict";

  const list = document.getElementById("media-list");
  const ACTIVE = new Set(["pending", "processing"]);
  let polling = null;

  function label(status) {
    return list.dataset["label" + status.charAt(0).toUpperCase() + status.slice(1)] || status;
  }

  function update(item) {
    let row = document.getElementById("item-" + item.id);
    if (!row) {
      // A new upload: reload once it is ready so the server renders its full row.
      if (!ACTIVE.has(item.status)) { scheduleReload(); }
      return;
    }
    row.dataset.status = item.status;
    row.className = row.className.replace(/status-\w+/, "status-" + item.status);
    row.querySelector(".badge.status").textContent = label(item.status);
    const bar = row.querySelector("progress");
    bar.value = item.progress || 0;
    bar.hidden = item.status !== "processing";
    row.querySelector(".error").textContent = item.error || "";
    if (item.status === "ready" && !row.querySelector(".thumb img")) { scheduleReload(); }
  }

  function openPanel(id) {
    const panel = document.getElementById("panel-" + id);
    if (panel) { panel.open = true; }
  }

  let reloadTimer = null;
  function scheduleReload() {
    if (!reloadTimer) { reloadTimer = setTimeout(() => window.location.reload(), 800); }
  }

  async function poll() {
    try {
      const response = await fetch(list.dataset.api, { credentials: "same-origin",
        headers: { Accept: "application/json" } });
      if (!response.ok) { return; }
      const items = await response.json();
      items.forEach(update);
      const busy = items.some((item) => ACTIVE.has(item.status));
      if (!busy) { stopPolling(); }
    } catch (error) {
      // offline for a moment: try again on the next tick
    }
  }

  function startPolling() { if (!polling) { polling = setInterval(poll, 1500); poll(); } }
  function stopPolling() { clearInterval(polling); polling = null; }

  if (list.querySelector('[data-status="pending"], [data-status="processing"]')) {
    startPolling();
  }

  const target = document.getElementById("uploader");
  if (!target || !window.Uppy) { return; }
  const pack = target.dataset.locale && window.Uppy.locales
    ? window.Uppy.locales[target.dataset.locale] : undefined;
  // A refused file is explained in plain words (ours, translated), not as a list of types.
  // Words the pack lacks come from our catalogue (data-uppy-strings); in English, Uppy's own.
  let ours = {};
  try { ours = JSON.parse(target.dataset.uppyStrings || "{}"); } catch (ignored) { /* none */ }
  const locale = {
    strings: Object.assign({}, pack ? ours : {}, pack ? pack.strings : {},
      { youCanOnlyUploadFileTypes: target.dataset.msgRefused }),
  };
  if (pack && pack.pluralize) { locale.pluralize = pack.pluralize; }
  const notes = document.getElementById("upload-notes");

  function note(text, itemId) {
    if (!notes) { return; }
    const entry = document.createElement("li");
    entry.textContent = text;
    if (itemId) {
      const link = document.createElement("a");
      link.href = "#item-" + itemId;
      link.textContent = target.dataset.msgSeeIt || "";
      entry.append(" ", link);
    }
    notes.appendChild(entry);
  }

  function serverReason(error) {
    // tus-js-client keeps the response; our JSON error body has a "message".
    const response = error && error.originalResponse;
    if (response && typeof response.getBody === "function") {
      try {
        const body = JSON.parse(response.getBody());
        if (body && typeof body.message === "string") { return body.message; }
      } catch (ignored) { /* not JSON */ }
    }
    return "";
  }

  const duplicates = {};
  const uppy = new window.Uppy.Uppy({
    autoProceed: true,
    locale: locale,
    meta: { team_id: target.dataset.teamId },
    restrictions: { allowedFileTypes: ["image/*", "video/*", "audio/*", ".heic", ".heif",
      ".mov", ".mkv", ".m4a", ".opus", ".avi", ".mts", ".m2ts", ".avif", ".3gp"] },
  });
  uppy.use(window.Uppy.Dashboard, {
    target: target,
    inline: true,
    height: 300,
    width: "100%",
    note: target.dataset.note,
    proudlyDisplayPoweredByUppy: false,
    showProgressDetails: true,
  });
  uppy.use(window.Uppy.Tus, {
    endpoint: target.dataset.endpoint,
    chunkSize: 5 * 1024 * 1024,
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
    headers: { "X-CSRFToken": target.dataset.csrf },
    allowedMetaFields: ["team_id", "name", "type"],
    removeFingerprintOnSuccess: true,
    onAfterResponse: function (request, response) {
      const id = response.getHeader("Upload-Media-Id");
      if (id && response.getHeader("Upload-Duplicate") === "1") {
        duplicates[request.getURL()] = id;
      }
    },
  });
  uppy.on("upload-success", function (file, response) {
    const id = response && duplicates[response.uploadURL];
    if (id) {
      note((target.dataset.msgDuplicate || "").replace("{name}", file.name), id);
      openPanel(id);
    }
  });
  uppy.on("upload-error", function (file, error) {
    const reason = serverReason(error);
    if (reason) {
      note((target.dataset.msgFailed || "").replace("{name}", file.name).replace("{reason}", reason));
    }
  });
  uppy.on("upload-success", () => startPolling());
  uppy.on("complete", () => startPolling());
})();

// The detail panels, filters and bulk selection (editors). Each panel's form is sent with
// fetch and answered in JSON, so saving keeps the page, its scroll position and the
// selection. The messages come from the page.
(function () {
  "use strict";

  const list = document.getElementById("media-list");
  if (!list) { return; }

  function openPanel(id, scroll) {
    const panel = document.getElementById("panel-" + id);
    if (!panel) { return; }
    const row = document.getElementById("item-" + id);
    if (row && row.hidden) { row.hidden = false; } // a link to it shows it, filters or not
    panel.open = true;
    if (scroll && row) { row.scrollIntoView({ block: "start" }); }
  }

  function setUpPicker(panel) {
    const box = panel.querySelector("[data-position-picker]");
    if (box && window.PositionPicker) {
      const picker = window.PositionPicker.init(box);
      picker.resize();
    }
  }

  list.querySelectorAll("[data-item-panel]").forEach(function (panel) {
    panel.addEventListener("toggle", function () {
      if (panel.open) { setUpPicker(panel); }
    });
  });

  function fromHash() {
    const match = /^#item-(\d+)$/.exec(window.location.hash);
    if (match) { openPanel(match[1], true); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();

  function showErrors(form, errors) {
    form.querySelectorAll(".field-error.from-server").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid=true]").forEach((node) => node.removeAttribute("aria-invalid"));
    Object.keys(errors).forEach(function (name) {
      const field = form.querySelector('[name="' + CSS.escape(name) + '"]');
      const message = document.createElement("p");
      message.className = "field-error from-server";
      message.textContent = errors[name];
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.insertAdjacentElement("afterend", message);
      } else {
        form.querySelector("[data-panel-status]").insertAdjacentElement("beforebegin", message);
      }
    });
  }

  function updateRow(row, body) {
    row.dataset.facts = (body.facts || []).join(" ");
    const facts = row.querySelector(".facts");
    if (facts) {
      facts.querySelectorAll(".flag").forEach(function (flag) {
        const text = flag.textContent;
        const needsLocation = text === list.dataset.msgNeedsLocation;
        const unconfirmed = text === list.dataset.msgUnconfirmed;
        const needsAlt = text === list.dataset.msgNeedsAlt;
        const gone = (needsLocation && body.lat !== null)
          || (unconfirmed && body.location_confirmed)
          || (needsAlt && (body.facts || []).indexOf("needs-alt-text") < 0);
        if (gone) { flag.remove(); }
      });
    }
  }

  list.querySelectorAll("[data-item-form]").forEach(function (form) {
    const status = form.querySelector("[data-panel-status]");
    const reload = form.querySelector("[data-reload]");
    reload.addEventListener("click", () => window.location.reload());
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      status.textContent = list.dataset.msgSaving || "";
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
      } catch (error) {
        status.textContent = list.dataset.msgOffline || "";
        return;
      }
      let body = {};
      try { body = await response.json(); } catch (error) { body = {}; }
      status.textContent = body.message || (response.ok ? "" : list.dataset.msgOffline || "");
      showErrors(form, body.errors || {});
      reload.hidden = response.status !== 409;
      if (response.ok) {
        form.querySelector("[data-version]").value = String(body.version);
        const row = form.closest(".media-item");
        updateRow(row, body);
        applyFilters(false);
      }
    });
  });

  // Filters: applied to the rows in place, kept in the URL (and in the forms that come
  // back to this page), without touching the selection.
  const filters = document.querySelector("[data-filters]");
  function query() {
    const params = new URLSearchParams();
    const kind = filters.querySelector("[name=kind]").value;
    if (kind) { params.append("kind", kind); }
    filters.querySelectorAll("[name=show]:checked").forEach((box) => params.append("show", box.value));
    return params;
  }

  function applyFilters(push) {
    if (!filters) { return; }
    const params = query();
    const kind = params.get("kind");
    const show = params.getAll("show");
    let shown = 0;
    const rows = list.querySelectorAll(".media-item");
    rows.forEach(function (row) {
      const facts = (row.dataset.facts || "").split(" ");
      const visible = (!kind || row.dataset.kind === kind) && show.every((name) => facts.indexOf(name) >= 0);
      if (push) { row.hidden = !visible; }
      if (!row.hidden) { shown += 1; }
    });
    const count = filters.querySelector("[data-filter-count]");
    count.textContent = (count.dataset.msgCount || "").replace("{shown}", shown).replace("{total}", rows.length);
    const text = params.toString();
    document.querySelectorAll("[data-filters-field]").forEach((field) => { field.value = text; });
    if (push) {
      const url = window.location.pathname + (text ? "?" + text : "") + window.location.hash;
      window.history.replaceState(null, "", url);
    }
  }

  if (filters) {
    filters.querySelectorAll("[data-no-js]").forEach((node) => { node.hidden = true; });
    filters.addEventListener("change", () => applyFilters(true));
    filters.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(true); });
  }

  // The selection's count, "select all shown", "clear".
  const counter = document.querySelector("[data-selected-count]");
  function boxes() { return Array.from(list.querySelectorAll(".select-item")); }
  function count() {
    if (counter) { counter.textContent = String(boxes().filter((box) => box.checked).length); }
  }
  list.addEventListener("change", function (event) {
    if (event.target.classList.contains("select-item")) { count(); }
  });
  const all = document.querySelector("[data-select-shown]");
  if (all) {
    all.addEventListener("click", function () {
      boxes().forEach(function (box) { if (!box.closest(".media-item").hidden) { box.checked = true; } });
      count();
    });
  }
  const none = document.querySelector("[data-select-none]");
  if (none) {
    none.addEventListener("click", function () { boxes().forEach((box) => { box.checked = false; }); count(); });
  }
  count();
})();
