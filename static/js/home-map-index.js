/* The home map's index, started as early as the page allows (an async script in <head>):
 * a Web Worker (home-map-worker.js) downloads, parses and indexes the projects' layer while
 * the page and Leaflet load, all off the page's thread. static/js/home-map.js asks it for
 * clusters through window.tourbuilderHomeIndex = {ask(op, message, transfer), loaded}
 * (and the "tourbuilder:home-index" event, for when this script runs after it).
 * The script element's data attributes name the worker, supercluster and the layer.
 */
(function () {
  "use strict";

  var me = document.currentScript;
  if (!me || !window.Worker || window.tourbuilderHomeIndex) return;
  var worker = new Worker(me.dataset.worker);
  var waiting = {};
  var lastId = 0;

  // A request; answered in the order they are sent.
  function ask(op, message, transfer) {
    var id = ++lastId;
    message = message || {};
    message.id = id;
    message.op = op;
    return new Promise(function (resolve, reject) {
      waiting[id] = { resolve: resolve, reject: reject };
      worker.postMessage(message, transfer || []);
    });
  }

  worker.onmessage = function (event) {
    var reply = event.data || {};
    var request = waiting[reply.id];
    if (!request) return;
    delete waiting[reply.id];
    if (reply.error) request.reject(new Error(reply.error));
    else request.resolve(reply.result);
  };
  // the worker's script failed to load or run: nothing it was asked will be answered
  worker.onerror = function () {
    Object.keys(waiting).forEach(function (id) {
      waiting[id].reject(new Error("worker"));
      delete waiting[id];
    });
  };

  ask("init", { scripts: [me.dataset.supercluster] });
  window.tourbuilderHomeIndex = {
    ask: ask,
    // The page preloads the layer (<link rel="preload">): same URL, same credentials mode.
    // Its bytes go to the worker as they are (transferred, not copied), parsed there.
    loaded: fetch(me.dataset.layer, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.arrayBuffer();
      })
      .then(function (buffer) {
        return ask("load", { buffer: buffer }, [buffer]);
      }),
  };
  document.dispatchEvent(new Event("tourbuilder:home-index"));
})();
