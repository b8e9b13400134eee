/* The home map's index, in a Web Worker: the layer is parsed, filtered and clustered here
 * (supercluster), so the page stays free to pan, zoom and type while 10,000 sites are
 * indexed. home-map-index.js sends requests {id, op, ...}, which are handled one after
 * the other, and gets {id, result} or {id, error}:
 *
 *   init     {scripts}        load supercluster (same-origin paths only)
 *   load     {buffer}         the GeoJSON layer's bytes (transferred): parse it -> {count}
 *   filter   {values, matches} keep the sites that pass the filters and, unless null,
 *                             whose ids the search found; index them: -> {shown}
 *   clusters {bbox, zoom}     clusters and sites in view: GeoJSON features (null before
 *                             the first filter); a cluster carries expansion_zoom, the
 *                             zoom at which it opens
 */
/* global Supercluster */
"use strict";

var features = [];
var teams = {};
var index = null;

function localPath(url) {
  return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
}

function keep(feature, values, matches) {
  var p = feature.properties;
  if (values.team && String(p.team) !== values.team) return false;
  if (values.country && (teams[p.team] || {}).country !== values.country) return false;
  if (values.theme && (p.themes || []).indexOf(values.theme) < 0) return false;
  if (values.language && (p.languages || []).indexOf(values.language) < 0) return false;
  if (matches && !matches.has(feature.id)) return false;
  return true;
}

var ops = {
  init: function (message) {
    importScripts.apply(null, message.scripts.filter(localPath));
    return {};
  },
  load: function (message) {
    var collection = JSON.parse(new TextDecoder().decode(message.buffer));
    features = collection.features || [];
    teams = collection.teams || {};
    return { count: features.length };
  },
  filter: function (message) {
    var matches = message.matches ? new Set(message.matches) : null;
    var kept = features.filter(function (f) {
      return keep(f, message.values || {}, matches);
    });
    index = new Supercluster({ radius: 60, maxZoom: 14, minPoints: 3 });
    index.load(kept);
    return { shown: kept.length };
  },
  clusters: function (message) {
    if (!index) return { items: null }; // not indexed yet: the map keeps what it shows
    var items = index.getClusters(message.bbox, message.zoom);
    items.forEach(function (item) {
      if (item.properties.cluster) {
        item.properties.expansion_zoom = index.getClusterExpansionZoom(item.id);
      }
    });
    return { items: items };
  },
};

var queue = Promise.resolve();

self.onmessage = function (event) {
  var message = event.data || {};
  queue = queue
    .then(function () {
      var op = ops[message.op];
      if (!op) throw new Error("unknown op " + message.op);
      return op(message);
    })
    .then(
      function (result) {
        self.postMessage({ id: message.id, result: result });
      },
      function (err) {
        self.postMessage({ id: message.id, error: String(err && err.message ? err.message : err) });
      }
    );
};
