// The embed view: with ?stop=N, start at that stop (map.js has set the map up by now).
(function () {
  "use strict";

  var number = parseInt(document.body.dataset.startStop || "", 10);
  var maps = window.tourbuilderMaps || {};
  var state = maps[Object.keys(maps)[0]];
  if (!state || !(number > 0)) return;
  var index = -1;
  state.entries.forEach(function (entry, i) {
    if (entry.data.number === number) index = i;
  });
  var item = document.getElementById("stop-" + number);
  if (index >= 0) {
    var data = state.entries[index].data;
    state.map.setView([data.lat, data.lon], data.zoom || 16);
    var icon = state.entries[index].marker.getElement();
    if (icon) icon.classList.add("is-active");
  }
  if (item) {
    item.classList.add("is-active");
    item.scrollIntoView({ block: "start" });
  }
})();
