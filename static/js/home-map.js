/* The map of every project: public sites clustered in the browser, filters and search.
 *
 * The page's map data (kind "cluster", read from <script class="tb-map-data">) names the
 * GeoJSON layer, the search endpoint and the popup card URL. The page also carries an
 * overview (<script id="home-overview">, services/map_overview.py): the sites' bounds,
 * where the map opens, and the opening view's groups, drawn at once. Meanwhile a Web
 * Worker started in <head> (home-map-index.js, home-map-worker.js) downloads, parses,
 * filters and indexes the layer with supercluster; only the clusters and points of the
 * current view come back to become Leaflet markers, from the first move of the map on
 * (or at once, with filters in the URL). A popup's
 * content (thumbnail, team, country, tours) is fetched when it opens. Filters and the
 * search box narrow the points without reloading and are kept in the URL. People's text
 * reaches the page through textContent only (docs/frontend.md).
 */
(function () {
  "use strict";

  var MAP_NAME = /^map_[0-9a-f]+$/;

  // Only links to our own pages: a path, never "//host" or "javascript:".
  function localPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "";
  }

  var script = document.querySelector("script.tb-map-data");
  if (!script || !window.Worker) return;
  var data;
  try {
    data = JSON.parse(script.textContent);
  } catch (err) {
    return;
  }
  if (data.kind !== "cluster" || !MAP_NAME.test(data.map || "")) return;
  var map = window[data.map];
  if (!(map instanceof L.Map)) return;
  var overview = {};
  try {
    overview = JSON.parse(document.getElementById("home-overview").textContent) || {};
  } catch (err) {
    overview = {};
  }

  var labels = data.labels || {};
  var numbers = null; // an Intl.NumberFormat, made when first needed (its first costs ~12 ms)
  var form = document.getElementById("map-filters");
  var count = document.getElementById("map-count");
  var FILTERS = ["country", "team", "theme", "language"];
  var state = {
    ready: false, // the map shows the projects and answers the reader
    loaded: false, // the layer is indexed: filters and search answer
    preview: false, // the markers drawn are the overview's, not the index's
    shown: 0,
    matches: null, // ids found by the search box, or null when it is empty
    open: null, // the point marker whose popup is open
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

  // A number as the page's language writes it; the overview's come written by the server.
  function written(num) {
    if (typeof num === "string") return num;
    if (!numbers) numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
    return numbers.format(num);
  }

  function format(pattern, num) {
    return (pattern || "%(num)s").replace("%(num)s", written(num));
  }

  function chosen() {
    var values = {};
    FILTERS.concat(["q"]).forEach(function (name) {
      values[name] = form ? (form.elements[name].value || "").trim() : "";
    });
    return values;
  }

  function clusterIcon(size, label) {
    var scale = size < 10 ? "s" : size < 100 ? "m" : size < 1000 ? "l" : "xl";
    var dim = { s: 34, m: 40, l: 48, xl: 56 }[scale];
    return L.divIcon({
      className: "tb-cluster tb-cluster-" + scale,
      html: el("span", "tb-cluster-count", label || written(size)),
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

  // A group of the index ({expansion_zoom}) opens at the zoom where it splits; one of the
  // overview ({bounds}) by fitting the map to its sites.
  function clusterMarker(cluster) {
    var ll = [cluster.geometry.coordinates[1], cluster.geometry.coordinates[0]];
    var props = cluster.properties;
    var title = format(labels.cluster, props.point_count_written || props.point_count);
    var icon = clusterIcon(props.point_count, props.point_count_written);
    var marker = L.marker(ll, { icon: icon, title: title, alt: title, keyboard: true });
    marker.on("click", function () {
      if (props.bounds) {
        map.flyToBounds(props.bounds, { padding: [30, 30], duration: 0.5 });
      } else {
        map.flyTo(ll, Math.min(props.expansion_zoom, map.getMaxZoom()), { duration: 0.5 });
      }
    });
    return marker;
  }

  function draw(items) {
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

  // The overview's groups for the opening zoom, as the index's items; false if it has none.
  function drawPreview() {
    var view = (overview.views || {})[String(map.getZoom())];
    if (!view) return false;
    var shown = 0;
    var items = view.clusters.map(function (c) {
      shown += c[2];
      return {
        geometry: { coordinates: [c[1], c[0]] },
        properties: {
          cluster: true,
          point_count: c[2],
          point_count_written: c[7],
          bounds: [[c[3], c[4]], [c[5], c[6]]],
        },
      };
    });
    view.points.forEach(function (p) {
      shown += 1;
      items.push({ id: p[2], geometry: { coordinates: [p[1], p[0]] }, properties: { name: p[3] } });
    });
    draw(items);
    state.preview = true;
    state.shown = shown;
    return true;
  }

  // The index (home-map-index.js, started in <head>), once it has started.
  var index = new Promise(function (resolve) {
    if (window.tourbuilderHomeIndex) resolve(window.tourbuilderHomeIndex);
    else document.addEventListener("tourbuilder:home-index", function () { resolve(window.tourbuilderHomeIndex); });
  });

  function ask(op, message) {
    return index.then(function (worker) {
      return worker.ask(op, message);
    });
  }

  var renderSeq = 0;

  function render() {
    if (!state.loaded) return Promise.resolve(); // the overview stays until the index is made
    var seq = ++renderSeq;
    var b = map.getBounds();
    var west = b.getWest();
    var east = b.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    }
    var bbox = [Math.max(west, -180), Math.max(b.getSouth(), -85), Math.min(east, 180), Math.min(b.getNorth(), 85)];
    return ask("clusters", { bbox: bbox, zoom: Math.round(map.getZoom()) }).then(function (reply) {
      if (seq !== renderSeq || !reply.items) return; // the map has moved on
      state.preview = false;
      draw(reply.items);
    });
  }

  function keepInUrl(values) {
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    Object.keys(values).forEach(function (name) {
      if (values[name]) params.set(name, values[name]);
      else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  // The index made again from the filters and search; drawn unless ``keepPreview`` (the
  // overview is on the map and nothing has changed since).
  function apply(keepPreview) {
    var values = chosen();
    var matches = state.matches ? Array.from(state.matches) : null;
    return loaded
      .then(function () {
        return ask("filter", { values: values, matches: matches });
      })
      .then(function (reply) {
        state.shown = reply.shown;
        if (count) count.textContent = format(labels.shown, reply.shown);
        keepInUrl(values);
        return keepPreview === true ? null : render();
      });
  }

  var searchTimer = null;
  var searchSeq = 0;

  function search() {
    var q = chosen().q;
    var seq = ++searchSeq;
    if (!q) {
      state.matches = null;
      return apply();
    }
    return fetch(data.search + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : { ids: [] };
      })
      .then(function (found) {
        if (seq !== searchSeq) return null; // a later search has been typed
        state.matches = new Set(found.ids || []);
        return apply();
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

  var moved = false;
  map.on("moveend", function () {
    moved = true;
    render();
  });
  window.addEventListener("resize", function () {
    map.invalidateSize();
  });

  function isReady() {
    state.timing.ready = performance.now();
    state.ready = true;
    document.documentElement.dataset.homeMap = "ready";
    document.dispatchEvent(new Event("tourbuilder:home-ready"));
  }

  // Open where the projects are, however few or far apart; with no filter in the URL, show
  // the overview's groups at once.
  if (overview.bounds) {
    map.fitBounds(overview.bounds, { padding: [30, 30], maxZoom: 13, animate: false });
  }
  moved = false;
  var filtered = Object.values(chosen()).some(Boolean);
  if (!filtered && drawPreview()) isReady();

  var loaded = index
    .then(function (worker) {
      return worker.loaded;
    })
    .then(function () {
      state.timing.loaded = performance.now();
      state.loaded = true;
      document.dispatchEvent(new Event("tourbuilder:home-loaded"));
    });

  (chosen().q ? search() : apply(state.preview))
    .then(function () {
      state.timing.indexed = performance.now();
      if (state.preview && moved) return render();
      return null;
    })
    .then(function () {
      if (!state.ready) isReady();
    })
    .catch(function () {
      if (count) count.textContent = labels.failed;
    });
})();
