/* Team settings: the default map view's zoom follows the picker's map (and back). */
(function () {
  "use strict";
  var box = document.querySelector("[data-map-view] [data-position-picker]");
  var zoom = document.querySelector("[data-map-zoom]");
  if (!box || !zoom || !box.positionPicker) return;
  var map = box.positionPicker.map;
  map.on("zoomend", function () {
    zoom.value = String(map.getZoom());
  });
  zoom.addEventListener("input", function () {
    var value = parseInt(zoom.value, 10);
    if (value >= 1 && value <= 19) map.setZoom(value);
  });
  var start = parseInt(zoom.value, 10);
  if (box.positionPicker.get() && start >= 1 && start <= 19) map.setZoom(start);
})();
