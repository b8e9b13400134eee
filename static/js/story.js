/* A tour page as a story: the map follows the reader from stop to stop.
 *
 * Moving to a stop, by scrolling to it, the Previous/Next buttons, the arrow keys (← →,
 * mirrored on right-to-left pages), a click on its marker or Enter on a focused marker
 * (map.js), flies the map there, highlights its numbered marker, announces "Stop 3 of 6:
 * title" (aria-live) and puts the stop's own address (/tours/<slug>/stops/3) in the
 * location bar. "All stops" switches to a grid of the stops and back.
 * window.tourbuilderStory exposes the current stop for tests.
 */
(function () {
  "use strict";

  var story = document.querySelector(".tour-story");
  if (!story) return;
  var stops = Array.prototype.slice.call(story.querySelectorAll(".stops > .stop"));
  if (!stops.length) return;
  var position = story.querySelector(".story-position");
  var prev = story.querySelector(".story-prev");
  var next = story.querySelector(".story-next");
  var grid = document.getElementById("all-stops");
  var toggle = story.querySelector(".story-view");
  var rtl = document.documentElement.dir === "rtl";
  var state = { current: -1, moves: 0 };
  window.tourbuilderStory = state;
  var scrolling = 0; // until then, the scroll is ours: the map does not follow it
  var target = -1; // the stop our last scroll went to
  var settleTimer = null;
  var reading = 0; // when the reader last scrolled by hand (wheel, touch, keys, scrollbar)
  function reader() {
    reading = Date.now();
  }
  ["wheel", "touchmove"].forEach(function (name) {
    document.addEventListener(name, reader, { passive: true, capture: true });
  });
  document.addEventListener("keydown", function (event) {
    if (/^(Page|Arrow(Up|Down)|Home|End| )/.test(event.key)) reader();
  }, true);
  document.addEventListener("mousedown", function (event) {
    // on a scroller itself, not on its content: its scrollbar
    if (event.target === document.documentElement || event.target === story) reader();
  }, true);

  // The stop crossing the line just below the middle of the window is the current one.
  function stopAtReadingLine() {
    var line = window.innerHeight * 0.5;
    for (var i = 0; i < stops.length; i++) {
      var box = stops[i].getBoundingClientRect();
      if (box.top <= line && box.bottom > line) return i;
    }
    return -1;
  }

  // Scrolling (the window's, or the story column's on wide screens: a scroll event does not
  // bubble, hence capture): once it settles, the map follows the reader.
  function settle() {
    if (Date.now() - reading > 2000) return; // layout, animation, a link: not the reader
    var wait = scrolling - Date.now();
    if (wait > 0) {
      settleTimer = setTimeout(settle, wait + 30); // after our own scroll has ended
      return;
    }
    var index = stopAtReadingLine();
    if (target >= 0 && index !== target) {
      // a short stop we scrolled to sits at the top, the reading line in the next one
      var top = stops[target].getBoundingClientRect().top;
      if (top >= -5 && top < window.innerHeight * 0.5) index = target;
    }
    target = -1;
    if (index >= 0) select(index, {});
  }

  document.addEventListener(
    "scroll",
    function () {
      clearTimeout(settleTimer);
      settleTimer = setTimeout(settle, 120);
    },
    { passive: true, capture: true }
  );

  function mapState() {
    var maps = window.tourbuilderMaps || {};
    for (var name in maps) {
      if (maps[name].entries) return maps[name];
    }
    return null;
  }

  function entryIndex(number) {
    var map = mapState();
    if (!map) return -1;
    for (var i = 0; i < map.entries.length; i++) {
      if (map.entries[i].data.number === number) return i;
    }
    return -1;
  }

  function titleOf(stop) {
    var title = stop.querySelector(".stop-title span[lang], .stop-title span:not(.stop-number):not(.visually-hidden)");
    return title ? title.textContent.trim() : "";
  }

  function announce(index) {
    var pattern = story.dataset.position || "%(num)s / %(total)s: %(title)s";
    var text = pattern
      .replace("%(num)s", String(index + 1))
      .replace("%(total)s", String(stops.length))
      .replace("%(title)s", function () {
        return titleOf(stops[index]);
      });
    position.textContent = text;
  }

  function select(index, how) {
    if (index < 0 || index >= stops.length) return;
    var changed = index !== state.current;
    state.current = index;
    stops.forEach(function (stop, i) {
      stop.classList.toggle("is-current", i === index);
      if (i === index) stop.setAttribute("aria-current", "step");
      else stop.removeAttribute("aria-current");
    });
    prev.disabled = index === 0;
    next.disabled = index === stops.length - 1;
    var map = mapState();
    var entry = entryIndex(index + 1);
    if (map && entry >= 0 && changed && !how.quiet) {
      map.flyTo(entry);
      state.moves += 1;
    }
    if (how.scroll) {
      scrolling = Date.now() + 1200;
      stops[index].scrollIntoView({ behavior: how.instant ? "auto" : "smooth", block: "start" });
    }
    if (changed && !how.quiet) {
      announce(index);
      var url = story.dataset.base + "/stops/" + (index + 1) + window.location.search;
      history.replaceState(null, "", url);
    }
  }

  function step(delta) {
    select(Math.max(0, Math.min(stops.length - 1, state.current + delta)), { scroll: true });
  }

  prev.addEventListener("click", function () {
    step(-1);
  });
  next.addEventListener("click", function () {
    step(1);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, video, audio, [contenteditable], .panorama-viewer, .leaflet-container")) {
      return; // their own arrow keys: caret, seeking, turning, panning
    }
    var forward = rtl ? "ArrowLeft" : "ArrowRight";
    var back = rtl ? "ArrowRight" : "ArrowLeft";
    if (event.key === forward) step(1);
    else if (event.key === back) step(-1);
    else return;
    event.preventDefault();
  });

  // A marker or a stop's locate button (map.js) makes that stop current too.
  stops.forEach(function (stop, index) {
    var button = stop.querySelector(".stop-locate");
    if (button) {
      button.addEventListener("click", function () {
        clearTimeout(settleTimer); // the reader chose this stop: a scroll that led here does not count
        select(index, {});
      });
    }
  });
  var map = mapState();
  if (map) {
    map.entries.forEach(function (entry) {
      entry.marker.on("click", function () {
        select(entry.data.number - 1, { scroll: true });
      });
    });
  }

  // "All stops": a grid instead of the guided sequence; a card returns to its stop.
  if (toggle && grid) {
    toggle.addEventListener("click", function () {
      var showGrid = grid.hidden;
      grid.hidden = !showGrid;
      story.querySelector(".stops").hidden = showGrid;
      story.querySelector(".story-nav").hidden = showGrid;
      toggle.setAttribute("aria-pressed", showGrid ? "true" : "false");
    });
    grid.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-stop]");
      if (!link) return;
      event.preventDefault();
      toggle.click();
      select(parseInt(link.dataset.stop, 10) - 1, { scroll: true });
    });
  }

  var start = parseInt(story.dataset.start, 10) || 0;
  if (start) select(start - 1, { scroll: true, instant: true });
  else select(0, { quiet: true }); // the map first shows the whole tour
})();
