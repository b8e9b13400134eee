// The tour editor's live map: numbered markers and the route line follow every change.
// Marker labels are DOM nodes filled with textContent (Leaflet inserts strings as HTML).
(function () {
  "use strict";
  const TE = (window.TourEditor = window.TourEditor || {});

  class EditorMap {
    // handlers: select(stopId), moved(stopId, lat, lon), clicked(lat, lon)
    constructor(element, tiles, handlers, strings) {
      this.handlers = handlers;
      const rtl = document.documentElement.dir === "rtl";
      this.map = L.map(element, { zoomControl: false, worldCopyJump: true });
      // Leaflet's zoom titles and credit title are English: ours come from the page
      L.control.zoom({ position: rtl ? "topright" : "topleft",
        zoomInTitle: (strings || {}).zoom_in || "+",
        zoomOutTitle: (strings || {}).zoom_out || "\u2212" }).addTo(this.map);
      this.map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: tiles.max_zoom })
        .addTo(this.map);
      this.map.setView([20, 10], 2);
      this.layer = L.layerGroup().addTo(this.map);
      this.route = L.polyline([], { color: "#0b6e4f", weight: 4, opacity: 0.75,
        dashArray: "8 8", interactive: false }).addTo(this.map);
      this.markers = new Map();
      this.fitted = false;
      this.map.on("click", (event) => handlers.clicked(event.latlng.lat, event.latlng.lng));
      if (document.documentElement.dir === "rtl") {
        this.map.attributionControl.setPosition("bottomleft");
      }
    }

    icon(number, active) {
      const label = document.createElement("span");
      label.className = "tb-stop-number";
      label.textContent = String(number);
      return L.divIcon({
        className: "tb-stop-marker" + (active ? " is-active" : ""),
        html: label, iconSize: [40, 40], iconAnchor: [20, 20],
      });
    }

    // stops: [{id, number, title, lat, lon, draggable}] in order; selected: a stop id.
    update(stops, selected) {
      this.layer.clearLayers();
      this.markers.clear();
      const points = [];
      stops.forEach((stop) => {
        if (stop.lat === null || stop.lat === undefined) { return; }
        const active = stop.id === selected;
        const marker = L.marker([stop.lat, stop.lon], {
          icon: this.icon(stop.number, active),
          title: stop.number + ". " + stop.title,
          alt: stop.number + ". " + stop.title,
          draggable: Boolean(active && stop.draggable),
          autoPan: true,
          zIndexOffset: active ? 1000 : 0,
        });
        marker.on("click", () => this.handlers.select(stop.id));
        marker.on("dragend", () => {
          const at = marker.getLatLng();
          this.handlers.moved(stop.id, at.lat, at.lng);
        });
        marker.addTo(this.layer);
        marker.getElement().dataset.stopId = String(stop.id);
        this.markers.set(stop.id, marker);
        points.push([stop.lat, stop.lon]);
      });
      this.route.setLatLngs(points);
      if (!this.fitted && points.length) {
        this.fitted = true;
        this.fit(points);
      }
    }

    fit(points) {
      if (points.length === 1) { this.map.setView(points[0], 16); }
      else { this.map.fitBounds(points, { padding: [40, 40], maxZoom: 17 }); }
    }

    show(lat, lon, zoom) {
      this.map.flyTo([lat, lon], zoom || Math.max(this.map.getZoom(), 15), { duration: 0.4 });
    }

    zoom() { return this.map.getZoom(); }

    // While people place something: a crosshair over the map.
    placing(on) { this.map.getContainer().classList.toggle("is-placing", Boolean(on)); }

    resize() { this.map.invalidateSize(); }
  }
  TE.EditorMap = EditorMap;
})();
