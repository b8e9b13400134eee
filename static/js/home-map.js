/* The map of every project: public sites clustered in the browser, filters and search.
 *
 * The page's map data (kind "cluster", read from <script class="tb-map-data">) names the
 * GeoJSON layer, the search endpoint and the popup card URL. The layer is fetched once,
 * indexed with supercluster, and only the clusters and points of the current view become
 * Leaflet markers; a popup's content (thumbnail, team, country, tours) is fetched when it
 * opens. Filters and the search box narrow the points without reloading and are kept in the
 * URL. People's text reaches the page through textContent only (docs/frontend.md).
 */
(function () {
  "use strict";

  var MAP_NAME = /^map_[0-9a-f]+$/;
  var script = document.querySelector("script.tb-map-data");
  if (!script || !window.Supercluster) return;
  var data;
  try {
    data = JSON.parse(script.textContent);
  } catch (err) {
    return;
  }
  if (data.kind !== "cluster" || !MAP_NAME.test(data.map || "")) return;
  var map = window[data.map];
  if (!(map instanceof L.Map)) return;

  var labels = data.labels || {};
  var form = document.getElementById("map-filters");
  var count = document.getElementById("map-count");
  var FILTERS = ["country", "team", "theme", "language"];
  var state = {
    ready: false,
    features: [],
    teams: {},
    shown: 0,
    matches: null, // ids found by the search box, or null when it is empty
    open: null, // the point marker whose popup is open
    index: null,
    layer: L.layerGroup().addTo(map),
    timing: {},
  };
  window.tourbuilderHome = state;

  function el(tag, className, text, lang) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) {
      node.textContent = text;
      node.dir = "auto";
    }
    if (lang) node.lang = lang;
    return node;
  }

  // Text people wrote: its language, or marked as theirs (map.js)
  function theirs(node, lang) {
    if (lang) node.lang = lang;
    else node.setAttribute("data-user-content", "");
    return node;
  }

  function format(pattern, num) {
    return (pattern || "%(num)s").replace("%(num)s", num.toLocaleString(document.documentElement.lang));
  }

  // Only links to our own pages: a path, never "//host" or "javascript:".
  function localPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "";
  }

  function chosen() {
    var values = {};
    FILTERS.concat(["q"]).forEach(function (name) {
      values[name] = form ? (form.elements[name].value || "").trim() : "";
    });
    return values;
  }

  function keep(feature, values) {
    var p = feature.properties;
    if (values.team && String(p.team) !== values.team) return false;
    if (values.country && (state.teams[p.team] || {}).country !== values.country) return false;
    if (values.theme && (p.themes || []).indexOf(values.theme) < 0) return false;
    if (values.language && (p.languages || []).indexOf(values.language) < 0) return false;
    if (state.matches && !state.matches.has(feature.id)) return false;
    return true;
  }

  function clusterIcon(size) {
    var scale = size < 10 ? "s" : size < 100 ? "m" : size < 1000 ? "l" : "xl";
    var dim = { s: 34, m: 40, l: 48, xl: 56 }[scale];
    return L.divIcon({
      className: "tb-cluster tb-cluster-" + scale,
      html: el("span", "tb-cluster-count", size.toLocaleString(document.documentElement.lang)),
      iconSize: [dim, dim],
      iconAnchor: [dim / 2, dim / 2],
    });
  }

  // A new icon (and dot) per marker: Leaflet moves a DOM node given as html, so one shared
  // icon would leave every pin but the last without its dot.
  function pin() {
    return L.divIcon({
      className: "tb-pin",
      html: el("span", "tb-pin-dot"),
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      popupAnchor: [0, -14],
    });
  }

  function cardUrl(id) {
    return localPath(data.card) ? data.card.replace("{id}", encodeURIComponent(id)) : "";
  }

  function fillPopup(box, card) {
    box.textContent = "";
    if (card.thumbnail && localPath(card.thumbnail.src)) {
      var img = el("img", "tb-popup-thumb");
      img.src = card.thumbnail.src;
      img.alt = card.thumbnail.alt || "";
      theirs(img, card.thumbnail.lang);
      img.width = 240;
      img.height = 135;
      img.loading = "lazy";
      box.appendChild(img);
    }
    box.appendChild(theirs(el("p", "tb-popup-title", card.name), card.lang));
    var team = card.team || {};
    if (team.name || team.country_name) {
      var where = el("p", "tb-popup-meta");
      if (team.name) where.appendChild(theirs(el("bdi", "", team.name)));
      if (team.name && team.country_name) where.appendChild(document.createTextNode(" · "));
      if (team.country_name) where.appendChild(el("span", "", team.country_name));
      box.appendChild(where);
    }
    if (card.approximate) box.appendChild(el("p", "tb-popup-meta", labels.approximate));
    if (card.tours && card.tours.length) {
      box.appendChild(el("p", "tb-popup-subhead", labels.tours));
      var list = el("ul", "tb-popup-tours");
      card.tours.forEach(function (tour) {
        var url = localPath(tour.url);
        if (!url) return;
        var item = el("li");
        var link = theirs(el("a", "", tour.title), tour.lang);
        link.href = url;
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    var more = localPath(card.url);
    if (more) {
      var link = el("a", "tb-popup-link", labels.more);
      link.href = more;
      box.appendChild(link);
    }
  }

  function pointMarker(feature) {
    var p = feature.properties;
    var ll = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    var marker = L.marker(ll, { icon: pin(), title: p.name, alt: p.name, riseOnHover: true });
    marker.on("add", function () {
      theirs(marker.getElement()); // its title is the project's name
    });
    marker.bindTooltip(theirs(el("span", "tb-tooltip", p.name)), { direction: "top" });
    var box = el("div", "tb-popup");
    box.appendChild(theirs(el("p", "tb-popup-title", p.name)));
    // kept clear of the zoom buttons, so neither covers the other's buttons (WCAG 2.5.8)
    marker.bindPopup(box, { maxWidth: 260, minWidth: 200, autoPanPadding: [52, 10] });
    marker.featureId = feature.id;
    marker.on("popupclose", function () {
      if (state.open === marker) state.open = null;
    });
    marker.on("popupopen", function () {
      state.open = marker;
      if (box.dataset.loaded) return;
      box.dataset.loaded = "1";
      var url = cardUrl(feature.id);
      if (!url) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (card) {
          fillPopup(box, card);
          marker.getPopup().update();
        })
        .catch(function () {
          delete box.dataset.loaded;
        });
    });
    return marker;
  }

  function clusterMarker(cluster) {
    var ll = [cluster.geometry.coordinates[1], cluster.geometry.coordinates[0]];
    var size = cluster.properties.point_count;
    var title = format(labels.cluster, size);
    var marker = L.marker(ll, { icon: clusterIcon(size), title: title, alt: title, keyboard: true });
    marker.on("click", function () {
      var zoom = Math.min(state.index.getClusterExpansionZoom(cluster.id), map.getMaxZoom());
      map.flyTo(ll, zoom, { duration: 0.5 });
    });
    return marker;
  }

  function render() {
    if (!state.index) return;
    var b = map.getBounds();
    var west = b.getWest();
    var east = b.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    }
    var items = state.index.getClusters(
      [Math.max(west, -180), Math.max(b.getSouth(), -85), Math.min(east, 180), Math.min(b.getNorth(), 85)],
      Math.round(map.getZoom())
    );
    // The point whose popup is open keeps its marker: the map moving to show the popup
    // (or the reader panning) must not close it.
    var open = state.open;
    state.layer.eachLayer(function (layer) {
      if (layer !== open) state.layer.removeLayer(layer);
    });
    var markers = items.map(function (item) {
      if (open && !item.properties.cluster && item.id === open.featureId) return open;
      return item.properties.cluster ? clusterMarker(item) : pointMarker(item);
    });
    if (open && markers.indexOf(open) < 0) state.layer.removeLayer(open);
    markers.forEach(function (marker) {
      if (!state.layer.hasLayer(marker)) state.layer.addLayer(marker);
    });
    // pins and clusters too close to tell apart are drawn apart (map.js)
    if (window.tourbuilderDeclutter) window.tourbuilderDeclutter(map, markers);
    state.rendered = items.length;
  }

  function apply() {
    var values = chosen();
    var kept = state.features.filter(function (f) {
      return keep(f, values);
    });
    state.index = new window.Supercluster({ radius: 60, maxZoom: 14, minPoints: 3 });
    state.index.load(kept);
    state.shown = kept.length;
    if (count) count.textContent = format(labels.shown, kept.length);
    render();
    if (form) {
      var params = new URLSearchParams(window.location.search);
      Object.keys(values).forEach(function (name) {
        if (values[name]) params.set(name, values[name]);
        else params.delete(name);
      });
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
  }

  var searchTimer = null;
  var searchSeq = 0;

  function search() {
    var q = chosen().q;
    var seq = ++searchSeq;
    if (!q) {
      state.matches = null;
      apply();
      return;
    }
    fetch(data.search + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : { ids: [] };
      })
      .then(function (found) {
        if (seq !== searchSeq) return; // a later search has been typed
        state.matches = new Set(found.ids || []);
        apply();
      });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name !== "q") apply();
    });
    form.elements.q.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(search, 300);
    });
    form.addEventListener("reset", function () {
      setTimeout(search, 0); // after the form has cleared its fields
    });
  }

  // map.js has translated and mirrored the map's controls
  map.on("moveend", render);
  window.addEventListener("resize", function () {
    map.invalidateSize();
  });

  state.timing.fetchStart = performance.now();
  // The page preloads the layer (<link rel="preload">): same URL, same credentials mode.
  fetch(data.layer, { credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(function (collection) {
      state.timing.fetched = performance.now();
      state.features = collection.features || [];
      state.teams = collection.teams || {};
      if (state.features.length) {
        // Open on the projects there are, however few or far apart.
        var bounds = L.latLngBounds(
          state.features.map(function (f) {
            return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          })
        );
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13, animate: false });
      }
      if (chosen().q) {
        search();
      } else {
        apply();
      }
      state.timing.ready = performance.now();
      state.ready = true;
      document.documentElement.dataset.homeMap = "ready";
    })
    .catch(function () {
      if (count) count.textContent = labels.failed;
    });
})();
