/* 360° panoramas inside a stop: the flat picture first, the viewer (Pannellum, vendored)
 * when the reader asks for it, loaded then, so pages without panoramas, and readers who
 * never open one, pay nothing for it.
 *
 * <figure class="panorama" data-pano-src data-pano-yaw data-pano-pitch data-pano-hfov>
 * holds a .panorama-stage with the picture and a .panorama-open button. This script's own
 * <script> element names the viewer's files: data-viewer-js and data-viewer-css.
 * window.tourbuilderPanoramas lists the open viewers (for tests).
 *
 * Inside an offline tour pack (file://) Pannellum cannot read the image (it uses XHR, and
 * WebGL refuses pictures of another origin, which every file:// file is): the pack holds
 * beside each panorama image a script "<image>.js" that puts it in
 * window.tourbuilderPanoramaImages[<image>] as a data: URL, loaded here first.
 */
(function () {
  "use strict";

  var self = document.currentScript;
  var loading = null;
  window.tourbuilderPanoramas = [];

  function imageOf(src) {
    if (window.location.protocol !== "file:") return Promise.resolve(src);
    var inlined = window.tourbuilderPanoramaImages || {};
    if (inlined[src]) return Promise.resolve(inlined[src]);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src + ".js";
      script.onload = function () {
        var found = (window.tourbuilderPanoramaImages || {})[src];
        if (found) resolve(found);
        else reject(new Error("no panorama in " + script.src));
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadViewer() {
    if (window.pannellum) return Promise.resolve();
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = self.dataset.viewerCss;
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = self.dataset.viewerJs;
      js.onload = resolve;
      js.onerror = reject;
      document.head.appendChild(js);
    });
    return loading;
  }

  // Pannellum puts its words in with innerHTML: ours are text.
  function html(text) {
    return String(text || "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function strings() {
    var msg = self.dataset;
    var failed = html(msg.msgFailed);
    return {
      loadButtonLabel: html(msg.msgLoad),
      loadingLabel: html(msg.msgLoading),
      genericWebGLError: html(msg.msgUnsupported),
      iOS8WebGLError: html(msg.msgUnsupported),
      noPanoramaError: failed,
      fileAccessError: failed,
      malformedURLError: failed,
      textureSizeError: failed,
      unknownError: failed,
    };
  }

  function number(value, fallback) {
    var n = parseFloat(value);
    return isFinite(n) ? n : fallback;
  }

  function open(figure, button) {
    button.disabled = true;
    var image = null;
    Promise.all([loadViewer(), imageOf(figure.dataset.panoSrc)]).then(function (loaded) {
      image = loaded[1];
      var stage = figure.querySelector(".panorama-stage");
      var box = document.createElement("div");
      box.className = "panorama-viewer";
      box.tabIndex = 0;
      box.setAttribute("role", "application");
      box.setAttribute("aria-label", button.dataset.label || button.textContent);
      stage.replaceWith(box);
      var viewer = window.pannellum.viewer(box, {
        type: "equirectangular",
        panorama: image,
        autoLoad: true,
        yaw: number(figure.dataset.panoYaw, 0),
        pitch: number(figure.dataset.panoPitch, 0),
        hfov: number(figure.dataset.panoHfov, 90),
        showFullscreenCtrl: true,
        keyboardZoom: true,
        mouseZoom: false, // the page scrolls with the wheel; zoom with the buttons or keys
        compass: false,
        strings: strings(),
      });
      window.tourbuilderPanoramas.push({ figure: figure, viewer: viewer });
      box.focus();
    }, function () {
      button.disabled = false;
    });
  }

  document.querySelectorAll("figure.panorama").forEach(function (figure) {
    var button = figure.querySelector(".panorama-open");
    if (!button) return;
    button.addEventListener("click", function () {
      open(figure, button);
    });
  });
})();
