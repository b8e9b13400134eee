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
  const locale = target.dataset.locale && window.Uppy.locales
    ? window.Uppy.locales[target.dataset.locale] : undefined;
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
  });
  uppy.on("upload-success", () => startPolling());
  uppy.on("complete", () => startPolling());
})();
