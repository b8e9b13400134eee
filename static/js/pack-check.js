/* The "ready offline" check of an offline tour pack (check.html, opened from file://).
 *
 * assets/pack-manifest.js lists the pack's media files and map tiles; each is loaded the
 * way the presentation loads it (an <img>, or a <video>/<audio> reading its metadata),
 * from this folder, never with fetch or XHR (file:// pages may not). The result counts
 * what loaded and lists what did not. window.tourbuilderPackCheck holds it (for tests).
 */
(function () {
  "use strict";

  var pack = window.tourbuilderPack || { media: [], tiles: [], stops: 0 };
  var result = document.getElementById("result");
  var missingList = document.getElementById("missing");
  var probe = document.getElementById("probe");
  var PARALLEL = 16;

  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function load(path) {
    return new Promise(function (resolve) {
      var kind = /\.(mp4|webm)$/i.test(path) ? "video" : /\.(m4a|mp3|ogg)$/i.test(path) ? "audio" : "img";
      var node = document.createElement(kind);
      var done = function (ok) {
        return function () {
          if (kind !== "img") node.removeAttribute("src");
          node.remove();
          resolve(ok);
        };
      };
      if (kind === "img") {
        node.onload = done(true);
      } else {
        node.preload = "metadata";
        node.muted = true;
        node.onloadedmetadata = done(true);
      }
      node.onerror = done(false);
      node.src = path;
      probe.appendChild(node);
    });
  }

  function loadAll(paths, failed) {
    var index = 0;
    var loaded = 0;
    function next() {
      if (index >= paths.length) return Promise.resolve();
      var path = paths[index++];
      return load(path).then(function (ok) {
        if (ok) loaded += 1;
        else failed.push(path);
        return next();
      });
    }
    var runners = [];
    for (var i = 0; i < PARALLEL; i++) runners.push(next());
    return Promise.all(runners).then(function () {
      return loaded;
    });
  }

  var failed = [];
  var media = (pack.media || []).filter(function (path) {
    return !/\.js$/.test(path);
  });
  Promise.all([loadAll(media, failed), loadAll(pack.tiles || [], failed)]).then(function (counts) {
    var check = { stops: pack.stops || 0, media: counts[0], tiles: counts[1], failed: failed };
    window.tourbuilderPackCheck = check;
    if (failed.length) {
      result.textContent = fill(result.dataset.missing, { num: failed.length });
      result.className = "result bad";
      failed.slice(0, 50).forEach(function (path) {
        var item = document.createElement("li");
        item.textContent = path;
        missingList.appendChild(item);
      });
    } else {
      result.textContent = fill(result.dataset.ready, check);
      result.className = "result ok";
    }
  });
})();
