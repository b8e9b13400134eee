/* Presentation mode: the window the room sees (docs/presenting.md).
 *
 * One stop at a time: the map flies to the stop, then its media fill the screen (photos
 * one after the other, video with captions, the 360° viewer, the sound player), with the
 * title and a short caption in large type. Keys: see present-deck.js and the "?" help.
 * It follows and drives the presenter view over BroadcastChannel, and tells other scripts
 * of each change with the "tb:present-state" event. window.tourbuilderPresent is the state
 * (for tests and the other windows' helpers).
 */
(function () {
  "use strict";

  var deck = window.TourPresent;
  var data = deck.data;
  var el = deck.el;
  var stage = document.querySelector(".present-stage");
  var mediaBox = document.getElementById("present-media");
  var caption = document.getElementById("present-caption");
  var titleSlide = document.getElementById("present-title-slide");
  var endSlide = document.getElementById("present-end-slide");
  var black = document.getElementById("present-black");
  var reflection = document.getElementById("present-reflection");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var HOLD_MS = 1200; // the map shows the place this long after flying, then the media

  var state = { stop: 0, step: 0, view: "map", black: false, moves: 0, flying: false, ready: false };
  window.tourbuilderPresent = state;
  var autoTimer = null;

  function mapState() {
    var maps = window.tourbuilderMaps || {};
    return maps[data.map] || null;
  }

  function entryOf(number) {
    var map = mapState();
    if (!map) return -1;
    for (var i = 0; i < map.entries.length; i++) {
      if (map.entries[i].data.number === number) return i;
    }
    return -1;
  }

  // Every media item of every stop, built once (pictures load when first shown).
  var slides = {};
  function figureFor(stop, item) {
    var figure = el("figure", "present-item present-" + item.type);
    if (item.type === "video" || item.type === "audio") {
      var player = document.createElement(item.type);
      player.controls = true;
      player.preload = "none";
      player.setAttribute("playsinline", "");
      if (item.poster) player.poster = item.poster;
      if (item.alt) player.setAttribute("aria-label", item.alt);
      var source = document.createElement("source");
      source.src = item.src;
      source.type = item.mime;
      player.appendChild(source);
      item.tracks.forEach(function (track) {
        var node = document.createElement("track");
        node.kind = "captions";
        node.src = track.src;
        node.srclang = track.lang;
        node.label = track.lang;
        if (track.lang === data.lang || track.lang === document.documentElement.lang) node.default = true;
        player.appendChild(node);
      });
      figure.appendChild(player);
      return figure;
    }
    var picture = document.createElement("img");
    picture.dataset.src = item.src;
    picture.alt = item.alt || "";
    picture.decoding = "async";
    if (item.type === "panorama") {
      // panorama.js turns this figure into the 360° viewer when its button is pressed
      figure.classList.add("panorama");
      figure.dataset.panoSrc = item.pano.src;
      figure.dataset.panoYaw = item.pano.yaw;
      figure.dataset.panoPitch = item.pano.pitch;
      figure.dataset.panoHfov = item.pano.hfov;
      var box = el("div", "panorama-stage");
      box.appendChild(picture);
      var open = el("button", "panorama-open present-button", data.labels.explore);
      open.type = "button";
      box.appendChild(open);
      figure.appendChild(box);
    } else {
      figure.appendChild(picture);
    }
    return figure;
  }

  data.stops.forEach(function (stop) {
    var group = el("div", "present-stop-media");
    group.dataset.stop = String(stop.number);
    group.hidden = true;
    stop.media.forEach(function (item, index) {
      var figure = figureFor(stop, item);
      figure.dataset.step = String(index);
      figure.hidden = true;
      group.appendChild(figure);
    });
    if (!stop.media.length) group.appendChild(el("p", "present-no-media", data.labels.no_media));
    mediaBox.appendChild(group);
    slides[stop.number] = group;
  });

  function load(figure) {
    if (!figure) return;
    var img = figure.querySelector("img[data-src]");
    if (img && !img.getAttribute("src")) img.src = img.dataset.src;
  }

  function showMedia(stopNumber, step) {
    Object.keys(slides).forEach(function (key) {
      var group = slides[key];
      var here = parseInt(key, 10) === stopNumber;
      group.hidden = !here;
      group.querySelectorAll(".present-item").forEach(function (figure) {
        var shown = here && parseInt(figure.dataset.step, 10) === step;
        figure.hidden = !shown;
        if (shown) load(figure);
        var player = figure.querySelector("video, audio");
        if (player && !shown && !player.paused) player.pause();
      });
    });
    // the next picture, so it is there when the presenter moves on
    var ahead = deck.next({ stop: stopNumber, step: step });
    if (slides[ahead.stop]) load(slides[ahead.stop].querySelector('[data-step="' + ahead.step + '"]'));
  }

  // People's text in its own span (lang, dir="auto"): the line still starts on the page's side.
  function setText(node, text, lang) {
    node.textContent = "";
    node.hidden = !text;
    if (text) node.appendChild(el("span", "", text, lang));
  }

  function renderCaption() {
    var stop = deck.stop(state.stop);
    caption.hidden = !stop;
    if (!stop) return;
    var shownStops = data.stops.filter(function (s) { return deck.shown(s.number); }).length;
    var place = deck.format(data.labels.position, { num: stop.number, total: data.stops.length });
    var item = state.view === "media" ? stop.media[state.step] : null;
    if (item && stop.media.length > 1) {
      place += " · " + "\u2066" + (state.step + 1) + " / " + stop.media.length + "\u2069"; // isolated: reads 1 / 2 in Arabic too
    }
    document.getElementById("present-number").textContent = place;
    caption.dataset.shownStops = String(shownStops);
    setText(document.getElementById("present-stop-title"), stop.title, stop.title_lang);
    setText(document.getElementById("present-stop-caption"), item ? "" : stop.caption, stop.caption_lang);
    var words = item ? [item.caption, item.credit ? deck.format(
      data.labels[item.type === "audio" || item.type === "video" ? "recording" : "credit"],
      { credit: item.credit }) : ""].filter(Boolean).join(" · ") : "";
    setText(document.getElementById("present-media-caption"), words, item ? item.caption_lang : "");
  }

  function flyTo(number, animate) {
    var map = mapState();
    var stop = deck.stop(number);
    var index = entryOf(number);
    if (!map || !stop || index < 0) return false;
    map.setActive(index);
    var zoom = stop.zoom || 16;
    if (!animate || reduceMotion) {
      map.map.setView([stop.lat, stop.lon], zoom, { animate: false });
      return false;
    }
    state.flying = true;
    map.map.once("moveend", function () {
      state.flying = false;
      if (state.stop === number && state.view === "map" && stop.media.length) {
        clearTimeout(autoTimer);
        autoTimer = setTimeout(function () {
          if (state.stop === number && state.view === "map") change({ view: "media" });
        }, HOLD_MS);
      }
    });
    map.map.flyTo([stop.lat, stop.lon], zoom, { duration: 2 });
    return true;
  }

  function showAll() {
    var map = mapState();
    if (!map || !map.entries.length) return;
    map.setActive(-1);
    var bounds = map.entries.map(function (entry) { return [entry.data.lat, entry.data.lon]; });
    if (bounds.length === 1) map.map.setView(bounds[0], 14);
    else {
      // room for the title slide's or end slide's words at the bottom
      map.map.fitBounds(bounds, { paddingTopLeft: [80, 80], paddingBottomRight: [80, 260], maxZoom: 16, animate: !reduceMotion });
    }
  }

  function render() {
    var atStop = state.stop >= 1 && state.stop <= data.stops.length;
    titleSlide.hidden = state.stop !== 0;
    endSlide.hidden = state.stop !== data.stops.length + 1;
    mediaBox.hidden = !(atStop && state.view === "media");
    stage.dataset.view = atStop ? state.view : state.stop === 0 ? "title" : "end";
    if (atStop) showMedia(state.stop, state.step);
    renderCaption();
    black.hidden = !state.black;
    var next = document.getElementById("present-next-tour");
    next.hidden = !data.next_tour;
    if (data.next_tour) next.textContent = deck.format(data.labels.next_tour, { title: data.next_tour.title });
  }

  function snapshot() {
    return { type: "state", stop: state.stop, step: state.step, view: state.view,
             black: state.black, hidden: deck.hidden.slice() };
  }

  function announce() {
    var detail = { slug: data.slug, stop: state.stop, step: state.step, view: state.view, black: state.black };
    document.dispatchEvent(new CustomEvent("tb:present-state", { detail: detail }));
  }

  // Move to a position and/or change the view; what it shows follows from where it came.
  function change(want, how) {
    how = how || {};
    var before = { stop: state.stop, step: state.step };
    var pos = deck.clamp({
      stop: "stop" in want ? want.stop : state.stop,
      step: "step" in want ? want.step : state.step,
    });
    var newStop = pos.stop !== before.stop;
    state.stop = pos.stop;
    state.step = pos.step;
    if (typeof want.black === "boolean") state.black = want.black;
    if (want.view === "map" || want.view === "media") {
      state.view = want.view;
      clearTimeout(autoTimer);
    } else if (newStop) {
      // forward: the map flies there first; back: straight to where the stop ended
      state.view = pos.stop > before.stop || !deck.stop(pos.stop) || !deck.stop(pos.stop).media.length ? "map" : "media";
    } else if (pos.step !== before.step) {
      state.view = "media";
    }
    var stop = deck.stop(state.stop);
    if (stop && newStop) {
      clearTimeout(autoTimer);
      var flying = state.view === "map" && stop.lat !== null && flyTo(state.stop, true);
      if (!flying) flyTo(state.stop, false);
      if (!flying && state.view === "map" && stop.media.length && stop.lat === null) state.view = "media";
      state.moves += 1;
    } else if (!stop && newStop) {
      showAll();
    }
    render();
    if (!how.quiet) deck.send(snapshot());
    announce();
  }

  function move(action) {
    if (action === "next") {
      if (state.stop === data.stops.length + 1 && data.next_tour) {
        deck.leave("next-tour");
        return;
      }
      change(deck.next(state));
    } else if (action === "prev") {
      if (state.stop === 0 && data.previous_tour) {
        deck.leave("previous-tour");
        return;
      }
      change(deck.previous(state));
    } else if (action === "first") change({ stop: 0, step: 0 });
    else if (action === "last") change({ stop: data.stops.length + 1, step: 0 });
    else if (action === "view") {
      if (deck.stop(state.stop)) change({ view: state.view === "map" ? "media" : "map" });
    } else if (action === "black") change({ black: !state.black });
  }

  function fullScreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: stay */ });
    }
  }

  function openPresenter() {
    window.open(data.pages.presenter, "tb-presenter-" + data.slug, "popup,width=1280,height=800");
  }

  function act(action) {
    if (action === "full") fullScreen();
    else if (action === "presenter") openPresenter();
    else if (action === "help") deck.toggleHelp();
    else move(action);
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (deck.ownKeys(event)) return;
    var action = deck.action(event);
    if (!action) return;
    if (action === "digit") {
      deck.typeDigit(event.key);
    } else if (action === "enter") {
      var number = deck.takeTyped();
      if (number === null) return;
      if (number <= data.stops.length) change({ stop: number, step: 0 });
    } else if (action === "escape") {
      deck.clearTyped();
      var help = document.getElementById("present-help");
      if (!help.hidden) deck.toggleHelp();
      else if (document.fullscreenElement) document.exitFullscreen();
      else if (data.pages.exit) window.location.href = data.pages.exit;
    } else {
      deck.clearTyped();
      act(action);
    }
    event.preventDefault();
    event.stopPropagation(); // Leaflet's own keys never see it: arrows do not pan the map
  }, true);

  document.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      act(button.dataset.action);
    });
  });

  deck.buildStopLists(function () {
    // the stop on screen was just hidden: on to the next one shown
    if (deck.stop(state.stop) && !deck.shown(state.stop)) change(deck.next({ stop: state.stop, step: deck.steps(state.stop) - 1 }));
    else {
      render();
      deck.send(snapshot());
    }
  });

  deck.listen(function (message) {
    if (message.type === "hello") {
      deck.send(snapshot());
    } else if (message.type === "goto") {
      if (Array.isArray(message.hidden)) deck.setHidden(message.hidden);
      change(message);
    } else if (message.type === "state") {
      // another window leads (a presenter view opened first): take its position quietly
      if (Array.isArray(message.hidden)) deck.setHidden(message.hidden);
      change(message, { quiet: true });
    } else if (deck.followTour(message)) {
      return;
    } else if (message.type === "show-reflection") {
      reflection.querySelector(".present-reflection-text").textContent = String(message.text || "");
      reflection.querySelector(".present-reflection-name").textContent = String(message.name || "");
      reflection.hidden = false;
    } else if (message.type === "hide-reflection") {
      reflection.hidden = true;
    }
  });

  render();
  showAll();
  state.ready = true;
  deck.send({ type: "hello" });
  announce();
})();
