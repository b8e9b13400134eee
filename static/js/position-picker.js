/* Position picker: choose a place on a small Leaflet map or type its coordinates.
 *
 * HTML contract (templates/_partials/position_picker.html writes it; docs/frontend.md):
 *
 *   <div data-position-picker
 *        data-tile-url data-tile-attribution data-tile-max-zoom     the basemap (TILE_URL)
 *        data-view-lat data-view-lon data-view-zoom                 map view with no position
 *        data-camera-lat data-camera-lon                            optional: the camera's position
 *        data-place-zoom                                            zoom to show a typed position at (15; 0 keeps the zoom)
 *        data-msg-pair data-msg-lat-range data-msg-lon-range        translated messages
 *        data-msg-lat-letter data-msg-lon-letter data-msg-lat-unreadable
 *        data-msg-lon-unreadable data-msg-placed data-msg-cleared data-msg-marker>
 *     <input data-picker-text name="position">     the coordinates as text ("36.8065, 10.1815"
 *                                                  or "36°48'23.4"N 10°10'53.4"E"); what a
 *                                                  form posts (tourbuilder/coordinates.py reads it)
 *     <p data-picker-message aria-live="polite">   validation and "placed" announcements
 *     <div data-picker-map>                        the map (click to place, drag the marker)
 *     <button data-picker-camera>                  optional: "Use this photo's position"
 *     <button data-picker-clear>                   "No position"
 *     <input data-picker-lat> <input data-picker-lon>  optional: decimal values kept in step
 *   </div>
 *
 * Events, dispatched on the container (they bubble):
 *   (data-picker-lazy on the container: not set up at load; call PositionPicker.init(el).)
 *   position-change  detail {lat, lon} (numbers, or both null when cleared) after a click,
 *                    a drag, the camera button, the clear button or a valid typed value;
 *   position-invalid detail {message, field} while the typed text is not a position.
 * API: container.positionPicker = {get(), set(lat, lon), clear()};
 *      window.PositionPicker.init(container) for pickers added later (library.js).
 * Everything people type stays text: messages are set with textContent.
 */
(function () {
  "use strict";

  var rtl = document.documentElement.dir === "rtl";
  var LETTER = /(^|[^A-Za-z])([NSEWO])(?![A-Za-z])/gi;
  var DECIMAL_PAIR = /^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$/;
  var SECONDS_UNIT = /((?:['\u2032m]|\d\s)\s*\d+(?:\.\d+)?)\s*s(?![A-Za-z])/g;

  function Invalid(field, key) {
    this.field = field;
    this.key = key;
  }

  function letters(text) {
    var found = [];
    text.replace(LETTER, function (all, before, letter, offset) {
      found.push({ letter: letter.toUpperCase(), index: offset + before.length });
      return all;
    });
    return found;
  }

  // One coordinate, as tourbuilder/coordinates.py reads it (lat-lon-parser's formats).
  function parseOne(text, field) {
    var found = letters(text);
    var allowed = field === "lat" ? "NS" : "EWO";
    if (found.length > 1 || found.some(function (f) { return allowed.indexOf(f.letter) < 0; })) {
      throw new Invalid(field, field === "lat" ? "latLetter" : "lonLetter");
    }
    var numbers = text.replace(LETTER, "$1 ").match(/[-+]?\d+(?:\.\d+)?/g) || [];
    var rest = text.replace(LETTER, "$1 ").replace(/[-+]?\d+(?:\.\d+)?/g, " ")
      .replace(/[°º'"\u2032\u2033\u2019\u201d:dms\s]/gi, "");
    if (!numbers.length || numbers.length > 3 || rest) {
      throw new Invalid(field, field === "lat" ? "latUnreadable" : "lonUnreadable");
    }
    var negative = numbers[0].charAt(0) === "-";
    var value = Math.abs(parseFloat(numbers[0]));
    if (numbers[1]) value += parseFloat(numbers[1]) / 60;
    if (numbers[2]) value += parseFloat(numbers[2]) / 3600;
    var letter = found.length ? found[0].letter : "";
    if (negative || letter === "S" || letter === "W" || letter === "O") value = -value;
    return value;
  }

  function checkRange(lat, lon) {
    if (!isFinite(lat) || lat < -90 || lat > 90) throw new Invalid("lat", "latRange");
    if (!isFinite(lon) || lon < -180 || lon > 180) throw new Invalid("lon", "lonRange");
    return { lat: lat, lon: lon };
  }

  function splitPair(text) {
    var separators = [";", ","];
    for (var i = 0; i < separators.length; i++) {
      var parts = text.split(separators[i]);
      if (parts.length === 2 && parts[0].trim() && parts[1].trim()) return parts;
    }
    var found = letters(text);
    if (found.length === 2) {
      var at = found[0].index === 0 ? found[1].index : found[0].index + 1;
      return [text.slice(0, at), text.slice(at)];
    }
    throw new Invalid(null, "pair");
  }

  // {lat, lon}, null for empty text; throws Invalid naming the message to show.
  function parsePosition(text) {
    text = (text || "").trim().replace(/[\u2212\u2013]/g, "-");
    if (!text) return null;
    if (text.length > 100) throw new Invalid(null, "pair");
    text = text.replace(SECONDS_UNIT, '$1"');
    var match = DECIMAL_PAIR.exec(text);
    if (match) return checkRange(parseFloat(match[1]), parseFloat(match[2]));
    var parts = splitPair(text);
    return checkRange(parseOne(parts[0].trim(), "lat"), parseOne(parts[1].trim(), "lon"));
  }

  function decimal(value) {
    var text = value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  }

  function number(value) {
    var n = parseFloat(value);
    return isFinite(n) ? n : null;
  }

  function init(box) {
    if (box.positionPicker) return box.positionPicker;
    var d = box.dataset;
    var text = box.querySelector("[data-picker-text]");
    var message = box.querySelector("[data-picker-message]");
    var latInput = box.querySelector("[data-picker-lat]");
    var lonInput = box.querySelector("[data-picker-lon]");
    var cameraButton = box.querySelector("[data-picker-camera]");
    var clearButton = box.querySelector("[data-picker-clear]");
    var messages = {
      pair: d.msgPair, latRange: d.msgLatRange, lonRange: d.msgLonRange,
      latLetter: d.msgLatLetter, lonLetter: d.msgLonLetter,
      latUnreadable: d.msgLatUnreadable, lonUnreadable: d.msgLonUnreadable,
    };
    var map = L.map(box.querySelector("[data-picker-map]"), {
      zoomControl: false, scrollWheelZoom: false, attributionControl: true,
    });
    // Leaflet's zoom titles are English: the page gives them in the reader's language
    L.control.zoom({
      position: rtl ? "topright" : "topleft",
      zoomInTitle: d.msgZoomIn || "+",
      zoomOutTitle: d.msgZoomOut || "\u2212",
    }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (rtl) {
      map.attributionControl.setPosition("bottomleft");
    }
    L.tileLayer(d.tileUrl, {
      attribution: d.tileAttribution || "", maxZoom: number(d.tileMaxZoom) || 19,
    }).addTo(map);
    var marker = null;
    var current = null;
    // The zoom a typed or camera position is shown at (at least); 0 keeps the map's zoom.
    var placeZoom = d.placeZoom !== undefined ? number(d.placeZoom) || 0 : 15;

    function say(textValue, isError) {
      if (!message) return;
      message.textContent = textValue || "";
      message.classList.toggle("field-error", !!isError);
      if (text) text.setAttribute("aria-invalid", isError ? "true" : "false");
    }

    function emit(name, detail) {
      box.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }));
    }

    function show(position, pan) {
      if (!position) {
        if (marker) map.removeLayer(marker);
        marker = null;
        return;
      }
      var at = [position.lat, position.lon];
      if (!marker) {
        marker = L.marker(at, {
          draggable: true, keyboard: true, title: d.msgMarker || "", alt: d.msgMarker || "",
          icon: L.divIcon({ className: "picker-pin", iconSize: [28, 28], iconAnchor: [14, 14] }),
        }).addTo(map);
        marker.on("dragend", function () {
          var ll = marker.getLatLng().wrap();
          place(ll.lat, ll.lng, { fromMap: true });
        });
      } else {
        marker.setLatLng(at);
      }
      if (pan) map.setView(at, Math.max(map.getZoom() || 0, placeZoom));
    }

    // Set the position; options.keepText leaves what the person typed in the field.
    function place(lat, lon, options) {
      options = options || {};
      var position = lat === null || lon === null ? null : checkRange(lat, lon);
      current = position;
      if (!options.keepText && text) {
        text.value = position ? decimal(position.lat) + ", " + decimal(position.lon) : "";
      }
      if (latInput) latInput.value = position ? decimal(position.lat) : "";
      if (lonInput) lonInput.value = position ? decimal(position.lon) : "";
      show(position, !options.fromMap);
      if (position) {
        // "Position: %s" with the numbers isolated left to right (Arabic pages keep the sign).
        var parts = (d.msgPlaced || "%s").split("%s");
        say("");
        if (message) {
          var numbers = document.createElement("bdi");
          numbers.dir = "ltr";
          numbers.textContent = decimal(position.lat) + ", " + decimal(position.lon);
          message.append(parts[0] || "", numbers, parts.slice(1).join("%s"));
        }
      } else {
        say(d.msgCleared || "");
      }
      if (clearButton) clearButton.disabled = !position;
      emit("position-change", { lat: position ? position.lat : null, lon: position ? position.lon : null });
    }

    map.on("click", function (event) {
      var ll = event.latlng.wrap();
      place(Math.round(ll.lat * 1e6) / 1e6, Math.round(ll.lng * 1e6) / 1e6, { fromMap: true });
    });

    if (text) {
      text.addEventListener("input", function () {
        var position;
        try {
          position = parsePosition(text.value);
        } catch (err) {
          if (!(err instanceof Invalid)) throw err;
          say(messages[err.key] || "", true);
          emit("position-invalid", { message: messages[err.key] || "", field: err.field });
          return;
        }
        if (position) place(position.lat, position.lon, { keepText: true });
        else place(null, null, { keepText: true });
      });
    }

    var cameraLat = number(d.cameraLat);
    var cameraLon = number(d.cameraLon);
    if (cameraLat !== null && cameraLon !== null) {
      // The camera's position, shown (grey, not chosen) until someone confirms or moves it.
      L.circleMarker([cameraLat, cameraLon], {
        radius: 9, color: "#5b6770", weight: 2, fillColor: "#9aa5ad", fillOpacity: 0.6,
        interactive: false, className: "picker-camera",
      }).addTo(map);
    }
    if (cameraButton) {
      if (cameraLat === null || cameraLon === null) {
        cameraButton.hidden = true;
      } else {
        cameraButton.addEventListener("click", function () {
          place(cameraLat, cameraLon);
        });
      }
    }
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        place(null, null);
        if (text) text.focus();
      });
    }

    var start = null;
    try {
      start = text ? parsePosition(text.value) : null;
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      say(messages[err.key] || "", true); // the server's refusal stays shown beside the field
    }
    if (start) {
      current = start;
      show(start, false);
      map.setView([start.lat, start.lon], 15);
    } else if (cameraLat !== null && cameraLon !== null) {
      map.setView([cameraLat, cameraLon], 14);
    } else {
      map.setView([number(d.viewLat) || 20, number(d.viewLon) || 10], number(d.viewZoom) || 2);
    }
    if (clearButton) clearButton.disabled = !start;

    var api = {
      map: map,
      get: function () { return current ? { lat: current.lat, lon: current.lon } : null; },
      set: function (lat, lon) { place(lat, lon); },
      clear: function () { place(null, null); },
      resize: function () { map.invalidateSize(); },
    };
    box.positionPicker = api;
    return api;
  }

  window.PositionPicker = { init: init, parse: parsePosition };
  // Lazy pickers (data-picker-lazy: many on one page, e.g. the media library's panels) wait
  // for their page to call PositionPicker.init when they are shown.
  document.querySelectorAll("[data-position-picker]:not([data-picker-lazy])").forEach(init);
})();
