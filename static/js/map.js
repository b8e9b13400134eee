/* tourbuilder public maps: markers, popups and list <-> map links.
 *
 * folium draws the map and its tiles (and this file a built-in basemap under them when the
 * tiles fail); everything people wrote (titles, themes) arrives
 * here as JSON in <script type="application/json" class="tb-map-data"> and is put on the
 * page with textContent and DOM nodes only. Never innerHTML, never a string given to
 * Leaflet's bindPopup/bindTooltip/divIcon (Leaflet would insert it as HTML).
 * See docs/frontend.md.
 */
(function () {
  "use strict";

  var MAP_NAME = /^map_[0-9a-f]+$/;
  var rtl = document.documentElement.dir === "rtl";

  function el(tag, className, text, lang) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    if (lang) node.lang = lang;
    if (text) node.dir = "auto"; // people's text keeps its own direction on any page
    return node;
  }

  // Text people wrote carries its language, or is marked as theirs when it is unknown (for
  // assistive technology, and for the test that no interface text is left in English).
  function theirs(node, lang) {
    if (lang) node.lang = lang;
    else node.setAttribute("data-user-content", "");
    return node;
  }

  // "Stop %(num)s: %(title)s" as DOM: the pattern's words in the page's language, the
  // title in its own (a function replacement: "$&" in a title stays text).
  function patterned(className, pattern, values, title, lang) {
    var box = el("span", className);
    var parts = pattern.split("%(title)s");
    parts.forEach(function (part, i) {
      Object.keys(values).forEach(function (key) {
        part = part.replace("%(" + key + ")s", function () {
          return String(values[key]);
        });
      });
      if (part) box.appendChild(document.createTextNode(part));
      if (i < parts.length - 1) box.appendChild(theirs(el("span", "", title), lang));
    });
    return box;
  }

  // Only links to our own pages: a path ("/x", or "assets/x" inside an offline pack),
  // never "//host", "https:" or "javascript:".
  function localPath(url) {
    if (typeof url !== "string" || !url || url.slice(0, 2) === "//") return "";
    return /^[a-z][a-z0-9+.-]*:/i.test(url) ? "" : url;
  }

  // An atlas given as a script (the offline tour pack: file:// pages may not fetch) sets
  // window.tourbuilderAtlas when it runs; drawing it then costs no request.
  function inlineAtlas(urls) {
    return /\.js$/.test(urls.atlas || "");
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", resolve);
      script.addEventListener("error", reject);
      document.head.appendChild(script);
    });
  }

  function siteIcon() {
    return L.divIcon({
      className: "tb-pin",
      html: el("span", "tb-pin-dot"),
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      popupAnchor: [0, -14],
    });
  }

  function numberIcon(number) {
    return L.divIcon({
      className: "tb-stop-marker",
      html: el("span", "tb-stop-number", String(number)),
      iconSize: [34, 34],
      iconAnchor: [17, 17],
      tooltipAnchor: [0, -17],
    });
  }

  function popupFor(marker, labels) {
    var box = el("div", "tb-popup");
    box.appendChild(theirs(el("p", "tb-popup-title", marker.title), marker.lang));
    // the team's theme labels: their words
    if (marker.subtitle) box.appendChild(theirs(el("p", "tb-popup-meta", marker.subtitle)));
    var url = localPath(marker.url);
    if (url) {
      var link = el("a", "tb-popup-link", labels.more || "");
      link.href = url;
      box.appendChild(link);
    }
    return box;
  }

  // Markers closer on screen than their size are pushed apart (their icons, not their
  // places), so each stays a target a finger can hit (WCAG 2.5.8, 24 px) and none hides
  // another's number. Called after every zoom; a few rounds settle groups of three or more.
  function declutter(map, markers) {
    var items = [];
    markers.forEach(function (marker) {
      var el = marker.getElement && marker.getElement();
      var icon = marker.options.icon && marker.options.icon.options;
      if (!el || !icon || !icon.iconSize) return;
      var p = map.latLngToLayerPoint(marker.getLatLng());
      items.push({ el: el, icon: icon, x: p.x, y: p.y, dx: 0, dy: 0, size: icon.iconSize[0] });
    });
    for (var round = 0; round < 12; round++) {
      var moved = false;
      for (var i = 0; i < items.length; i++) {
        for (var j = i + 1; j < items.length; j++) {
          var a = items[i];
          var b = items[j];
          var gap = (a.size + b.size) / 2 + 4;
          var x = b.x + b.dx - (a.x + a.dx);
          var y = b.y + b.dy - (a.y + a.dy);
          var d = Math.sqrt(x * x + y * y);
          if (d >= gap) continue;
          if (d < 0.5) {
            x = Math.cos(j); // the same place: spread them around it
            y = Math.sin(j);
            d = 1;
          }
          var push = (gap - d) / 2 + 0.5;
          a.dx -= (x / d) * push;
          a.dy -= (y / d) * push;
          b.dx += (x / d) * push;
          b.dy += (y / d) * push;
          moved = true;
        }
      }
      if (!moved) break;
    }
    items.forEach(function (item) {
      var anchor = item.icon.iconAnchor || [item.size / 2, item.size / 2];
      item.el.style.marginLeft = Math.round(item.dx - anchor[0]) + "px";
      item.el.style.marginTop = Math.round(item.dy - anchor[1]) + "px";
    });
  }
  window.tourbuilderDeclutter = declutter;
  window.tourbuilderTheirs = theirs;

  // Leaflet's own words are English: the zoom buttons' titles, the popup's close button,
  // the title of its credit link. The page gives them in the reader's language (labels),
  // and the controls are mirrored on right-to-left pages: zoom at the start (right),
  // credits at the end.
  function localiseControls(map, labels) {
    if (map.zoomControl) {
      // the control's own options too: moving it (setPosition) draws its buttons again
      L.setOptions(map.zoomControl, {
        zoomInTitle: labels.zoomIn || map.zoomControl.options.zoomInTitle,
        zoomOutTitle: labels.zoomOut || map.zoomControl.options.zoomOutTitle,
      });
      if (rtl) map.zoomControl.setPosition("topright");
      var buttons = map.zoomControl.getContainer();
      [
        [".leaflet-control-zoom-in", map.zoomControl.options.zoomInTitle],
        [".leaflet-control-zoom-out", map.zoomControl.options.zoomOutTitle],
      ].forEach(function (pair) {
        var button = buttons.querySelector(pair[0]);
        if (button) {
          button.title = pair[1];
          button.setAttribute("aria-label", pair[1]);
        }
      });
    }
    if (map.attributionControl) {
      // a constant, not people's text; no English title
      map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      if (rtl) map.attributionControl.setPosition("bottomleft");
    }
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && labels.closePopup) close.setAttribute("aria-label", labels.closePopup);
    });
  }

  function setActive(state, index) {
    state.entries.forEach(function (entry, i) {
      var active = i === index;
      var icon = entry.marker.getElement();
      if (icon) icon.classList.toggle("is-active", active);
      if (entry.item) {
        entry.item.classList.toggle("is-active", active);
        var button = entry.item.querySelector(".stop-locate");
        if (button) button.setAttribute("aria-current", active ? "true" : "false");
      }
    });
    state.active = index;
  }

  function flyTo(state, index) {
    var data = state.entries[index].data;
    state.map.flyTo([data.lat, data.lon], data.zoom || 16, { duration: 0.8 });
    setActive(state, index);
  }

  // Bring a stop to the top of the box that scrolls it, and only that box: scrollIntoView
  // would also scroll a page that frames ours (the embed view).
  function scrollWithin(item) {
    for (var box = item.parentElement; box; box = box.parentElement) {
      var overflow = window.getComputedStyle(box).overflowY;
      if (box.scrollHeight > box.clientHeight && (overflow === "auto" || overflow === "scroll")) {
        box.scrollTop += item.getBoundingClientRect().top - box.getBoundingClientRect().top;
        return;
      }
    }
  }

  // The built-in basemap: Natural Earth land, coastlines and borders (vendored TopoJSON),
  // drawn under the tiles once a tile fails, so the map never stays a grey box. It is
  // fetched only then: a map whose tiles load costs nothing more.
  var atlas = null;

  function loadAtlas(urls) {
    if (atlas) return atlas;
    atlas = (window.topojson ? Promise.resolve() : loadScript(urls.client))
      .then(function () {
        if (inlineAtlas(urls)) {
          if (window.tourbuilderAtlas) return window.tourbuilderAtlas;
          return loadScript(urls.atlas).then(function () {
            return window.tourbuilderAtlas;
          });
        }
        return fetch(urls.atlas, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error("basemap " + response.status);
          return response.json();
        });
      })
      .then(function (world) {
        return {
          land: topojson.feature(world, world.objects.land),
          borders: topojson.mesh(world, world.objects.countries, function (a, b) {
            return a !== b;
          }),
        };
      });
    return atlas;
  }

  function drawBasemap(state, urls) {
    if (state.basemap !== "none") return;
    state.basemap = "loading";
    loadAtlas(urls).then(
      function (world) {
        var map = state.map;
        map.createPane("tb-basemap"); // under the tiles (CSS: z-index 150 < 200)
        var renderer = L.svg({ pane: "tb-basemap", padding: 0.5 });
        var common = { pane: "tb-basemap", renderer: renderer, interactive: false };
        L.geoJSON(world.land, Object.assign({
          style: { color: "#8fb3c9", weight: 1, fillColor: "#f3f0e7", fillOpacity: 1 },
        }, common)).addTo(map);
        L.geoJSON(world.borders, Object.assign({
          style: { color: "#b79fb3", weight: 1, dashArray: "4 3", fill: false },
        }, common)).addTo(map);
        map.getContainer().classList.add("tb-basemap-shown");
        // a constant, not people's text: the basemap's source, in the credits
        if (map.attributionControl) map.attributionControl.addAttribution("Natural Earth");
        state.basemap = "shown";
      },
      function () {
        state.basemap = "failed";
      }
    );
  }

  // Count the tiles of each view; when most fail, draw the basemap and say so.
  function watchTiles(state, data) {
    var urls = data.basemap || {};
    if (!localPath(urls.atlas) || !localPath(urls.client)) return;
    var layer = null;
    state.map.eachLayer(function (candidate) {
      if (candidate instanceof L.TileLayer) layer = candidate;
    });
    if (!layer) return;
    // In an offline pack tiles cover the tour's area only: the basemap goes under them at once.
    if (inlineAtlas(urls)) drawBasemap(state, urls);
    var note = el("p", "tb-map-note");
    note.setAttribute("role", "status");
    var control = L.control({ position: rtl ? "topleft" : "topright" });
    control.onAdd = function () {
      var box = el("div", "tb-map-note-box");
      box.appendChild(note);
      return box;
    };
    control.addTo(state.map);
    var counts = { loaded: 0, failed: 0 };
    function update() {
      var failing = counts.failed > 0 && counts.failed >= counts.loaded;
      var text = failing ? (data.labels || {}).offline || "" : "";
      if (note.textContent !== text) note.textContent = text;
      state.tilesFailing = failing;
    }
    layer.on("loading", function () {
      counts.loaded = 0;
      counts.failed = 0;
    });
    layer.on("tileload", function () {
      counts.loaded += 1;
      update();
    });
    layer.on("tileerror", function () {
      counts.failed += 1;
      drawBasemap(state, urls);
      update();
    });
    // Tiles may have failed before this script ran: offline, a refused request fails at
    // once, while the page's scripts are still loading. Count what is already settled.
    state.map.getContainer().querySelectorAll("img.leaflet-tile").forEach(function (img) {
      if (!img.getAttribute("src") || !img.complete) return;
      if (img.naturalWidth > 0) counts.loaded += 1;
      else counts.failed += 1;
    });
    if (counts.failed) {
      drawBasemap(state, urls);
      update();
    }
  }

  function setUp(script) {
    var data;
    try {
      data = JSON.parse(script.textContent);
    } catch (err) {
      return;
    }
    if (!MAP_NAME.test(data.map || "") || !(window[data.map] instanceof L.Map)) return;
    var map = window[data.map];
    var labels = data.labels || {};
    var state = { map: map, entries: [], active: -1, basemap: "none", tilesFailing: false };
    watchTiles(state, data);
    var bounds = [];

    localiseControls(map, labels);

    (data.markers || []).forEach(function (item, index) {
      var isStop = data.kind === "tour";
      var marker = L.marker([item.lat, item.lon], {
        icon: isStop ? numberIcon(item.number) : siteIcon(),
        title: item.title, // an attribute, not HTML
        alt: item.title,
        riseOnHover: true,
      }).addTo(map);
      // the marker's title is the stop's or the project's name
      if (marker.getElement()) theirs(marker.getElement(), item.lang);
      // "Stop %(num)s: %(title)s", translated whole: word order differs between languages
      var label = isStop
        ? patterned("tb-tooltip", labels.stop || "%(num)s: %(title)s", { num: item.number },
            item.title, item.lang)
        : theirs(el("span", "tb-tooltip", item.title), item.lang);
      marker.bindTooltip(label, { direction: "top" });
      if (!isStop) {
        // kept clear of the zoom buttons (WCAG 2.5.8)
        marker.bindPopup(popupFor(item, labels), { maxWidth: 260, autoPanPadding: [52, 10] });
      }
      if (item.approximate) {
        L.circle([item.lat, item.lon], {
          radius: 700, color: "#0b6e4f", weight: 1, fillOpacity: 0.08, interactive: false,
        }).addTo(map);
      }
      var target = item.target ? document.getElementById(item.target) : null;
      state.entries.push({ marker: marker, data: item, item: target });
      bounds.push([item.lat, item.lon]);

      if (target) {
        marker.on("click", function () {
          setActive(state, index);
          target.scrollIntoView({ behavior: "smooth", block: "start" });
        });
        var button = target.querySelector(".stop-locate");
        if (button) {
          button.addEventListener("click", function () {
            flyTo(state, index);
          });
        }
      }
    });

    var start = -1; // a stop to open at (the embed view's ?stop=N), by its number
    state.entries.forEach(function (entry, i) {
      if (data.start && entry.data.number === data.start) start = i;
    });
    // The opening view is set, not animated: Leaflet ignores any other view asked for
    // while a zoom animation runs (a key pressed at once in presentation mode).
    var still = { animate: false };
    if (start >= 0) {
      var first = state.entries[start].data;
      map.setView([first.lat, first.lon], first.zoom || 16, still);
      setActive(state, start);
      if (state.entries[start].item) scrollWithin(state.entries[start].item);
    } else if (bounds.length === 1) {
      map.setView(bounds[0], data.markers[0].approximate ? 14 : 16, still);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [36, 36], maxZoom: 16, animate: false });
    }
    function spread() {
      declutter(map, state.entries.map(function (entry) {
        return entry.marker;
      }));
    }
    map.on("zoomend", spread);
    spread();
    // The map's box can change size with the layout (sticky panel, rotation).
    window.addEventListener("resize", function () {
      map.invalidateSize();
    });
    // for story.js (and tests): move to a stop's entry, or only highlight it
    state.flyTo = function (index) {
      flyTo(state, index);
    };
    state.setActive = function (index) {
      setActive(state, index);
    };
    window.tourbuilderMaps = window.tourbuilderMaps || {};
    window.tourbuilderMaps[data.map] = state;
  }

  document.querySelectorAll("script.tb-map-data").forEach(setUp);
})();
