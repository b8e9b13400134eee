/* The "Download for offline presenting" page: Build starts the pack's job
 * (POST /api/v1/tours/{id}/pack), then the status is polled (GET, once a second) into the
 * progress bar until the pack is ready (the download link appears) or failed. */
(function () {
  "use strict";

  var box = document.getElementById("pack-build");
  if (!box) return;
  var start = document.getElementById("pack-start");
  var download = document.getElementById("pack-download");
  var bar = document.getElementById("pack-progress");
  var status = document.getElementById("pack-status");
  var timer = null;

  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    }).replace("%%", "%");
  }

  function size(bytes) {
    var lang = document.documentElement.lang || undefined;
    var mb = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(bytes / 1e6);
    return "\u2066" + mb + " MB\u2069"; // isolated: "1.9 MB" stays in order on Arabic pages
  }

  function show(answer) {
    box.dataset.state = answer.state;
    var busy = answer.state === "queued" || answer.state === "building";
    bar.hidden = !busy;
    bar.value = answer.progress || 0;
    start.disabled = busy;
    start.hidden = answer.state === "ready"; // the same pack again would change nothing
    download.hidden = answer.state !== "ready";
    if (answer.download_url) download.href = answer.download_url;
    if (busy) {
      status.textContent = fill(box.dataset.building, { percent: Math.round((answer.progress || 0) * 100) });
    } else if (answer.state === "ready") {
      status.textContent = fill(box.dataset.ready, { size: size(answer.size) });
    } else if (answer.state === "failed") {
      status.textContent = fill(box.dataset.failed, { error: answer.error || "" });
    } else {
      status.textContent = "";
    }
    clearTimeout(timer);
    if (busy) timer = setTimeout(poll, 1000);
  }

  function request(method) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = box.dataset.csrf;
    return fetch(box.dataset.api, { method: method, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || response.status);
          return body;
        });
      });
  }

  function failed(error) {
    show({ state: "failed", error: error.message });
  }

  function poll() {
    request("GET").then(show, failed);
  }

  start.addEventListener("click", function () {
    start.disabled = true;
    show({ state: "queued", progress: 0 });
    request("POST").then(show, failed);
  });
  if (box.dataset.state === "queued" || box.dataset.state === "building") poll();
})();
