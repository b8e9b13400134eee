/* The presenter view: the facilitator's second window (docs/presenting.md).
 *
 * Shows the current and the next stop, the presenter notes and discussion prompts, the
 * elapsed time and a clock. Its keys and buttons send {type:"goto"} to the audience
 * window, which answers with {type:"state"}; it follows every state it hears, so both
 * windows stay in step whichever one moves. Without an audience window it still moves
 * through the tour on its own. window.tourbuilderPresenter is its state (for tests).
 */
(function () {
  "use strict";

  var deck = window.TourPresent;
  var data = deck.data;
  var el = deck.el;
  var state = { stop: 0, step: 0, view: "map", black: false, audience: false };
  window.tourbuilderPresenter = state;

  function card(box, number, step, upcoming) {
    box.textContent = "";
    var stop = deck.stop(number);
    if (!stop) {
      box.appendChild(el("p", "presenter-card-title", number === 0 ? data.labels.title_slide : data.labels.end_slide));
      return;
    }
    var item = stop.media[step] || null;
    var thumb = stop.thumb;
    if (item && (item.type === "photo" || item.type === "panorama")) thumb = item.src;
    else if (item && item.poster) thumb = item.poster;
    if (thumb) {
      var img = el("img", "presenter-thumb");
      img.src = thumb;
      img.alt = "";
      box.appendChild(img);
    }
    box.appendChild(el("p", "presenter-card-number", deck.format(data.labels.position, { num: stop.number, total: data.stops.length })));
    box.appendChild(deck.block("p", "presenter-card-title", stop.title, stop.title_lang));
    if (item && stop.media.length > 1 && !upcoming) {
      box.appendChild(el("p", "presenter-card-step", "\u2066" + (step + 1) + " / " + stop.media.length + "\u2069"));
    }
  }

  function text(box, value, lang, empty) {
    box.textContent = "";
    box.classList.toggle("is-empty", !value);
    box.appendChild(value ? el("span", "", value, lang) : document.createTextNode(empty || ""));
  }

  function render() {
    card(document.getElementById("presenter-current"), state.stop, state.step);
    // the next stop (not the next photo: the current card counts those)
    var nextBox = document.getElementById("presenter-upcoming");
    var following = deck.following(state);
    if (state.stop === data.stops.length + 1) {
      nextBox.textContent = "";
      if (data.next_tour) nextBox.appendChild(deck.block("p", "presenter-card-title", deck.format(data.labels.next_tour, { title: data.next_tour.title })));
    } else {
      card(nextBox, following === null ? data.stops.length + 1 : following, 0, true);
    }
    var stop = deck.stop(state.stop);
    text(document.getElementById("presenter-notes"), stop ? stop.notes : "", stop && stop.notes_lang, stop ? data.labels.no_notes : "");
    text(document.getElementById("presenter-prompts"), stop ? stop.prompts : "", stop && stop.prompts_lang, "");
    // a stop without prompts shows no empty box
    document.getElementById("presenter-prompts-block").hidden = !(stop && stop.prompts);
    document.querySelector('[data-action="view"]').setAttribute("aria-pressed", state.view === "media" ? "true" : "false");
    document.querySelector('[data-action="black"]').setAttribute("aria-pressed", state.black ? "true" : "false");
    document.getElementById("presenter-status").textContent = state.audience ? "" : data.labels.audience_missing;
  }

  function apply(message) {
    var pos = deck.clamp(message);
    state.stop = pos.stop;
    state.step = pos.step;
    if (message.view === "map" || message.view === "media") state.view = message.view;
    if (typeof message.black === "boolean") state.black = message.black;
    if (Array.isArray(message.hidden)) deck.setHidden(message.hidden);
    render();
  }

  // Ask the audience window to go somewhere; move here at once too (it may not be open).
  function go(want) {
    var message = { type: "goto", stop: want.stop, step: want.step, hidden: deck.hidden.slice() };
    if ("view" in want) message.view = want.view;
    if ("black" in want) message.black = want.black;
    if (want.stop !== state.stop && !("view" in want)) {
      state.view = want.stop > state.stop ? "map" : "media";
    } else if (want.step !== state.step && !("view" in want)) {
      state.view = "media";
    }
    apply(message);
    deck.send(message);
  }

  function here(extra) {
    var want = { stop: state.stop, step: state.step };
    for (var key in extra) want[key] = extra[key];
    return want;
  }

  function act(action) {
    if (action === "next" && state.stop === data.stops.length + 1 && deck.leave("next-tour")) return;
    if (action === "prev" && state.stop === 0 && deck.leave("previous-tour")) return;
    if (action === "next") go(deck.next(state));
    else if (action === "prev") go(deck.previous(state));
    else if (action === "first") go({ stop: 0, step: 0 });
    else if (action === "last") go({ stop: data.stops.length + 1, step: 0 });
    else if (action === "view") go(here({ view: state.view === "map" ? "media" : "map" }));
    else if (action === "black") go(here({ black: !state.black }));
    else if (action === "help") deck.toggleHelp();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (deck.ownKeys(event)) return;
    var action = deck.action(event);
    if (!action || action === "full" || action === "presenter") return;
    if (action === "digit") deck.typeDigit(event.key);
    else if (action === "enter") {
      var number = deck.takeTyped();
      if (number === null) return;
      if (number <= data.stops.length) go({ stop: number, step: 0 });
    } else if (action === "escape") {
      deck.clearTyped();
      var help = document.getElementById("present-help");
      if (!help.hidden) deck.toggleHelp();
    } else {
      deck.clearTyped();
      act(action);
    }
    event.preventDefault();
  });

  document.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      act(button.dataset.action);
    });
  });

  deck.buildStopLists(function () {
    var hiddenNow = deck.stop(state.stop) && !deck.shown(state.stop);
    var want = hiddenNow ? deck.next({ stop: state.stop, step: deck.steps(state.stop) - 1 }) : here({});
    go(want);
  });

  deck.listen(function (message) {
    if (message.type === "state") {
      state.audience = true;
      apply(message);
    } else if (message.type === "goto") {
      apply(message); // a second presenter view
    } else if (deck.followTour(message)) {
      return;
    } else if (message.type === "hello") {
      deck.send({ type: "state", stop: state.stop, step: state.step, view: state.view,
                  black: state.black, hidden: deck.hidden.slice() });
    }
  });

  // Elapsed time (start, pause, reset) and the clock.
  var elapsed = 0; // milliseconds counted before the current run
  var startedAt = null;
  var toggle = document.querySelector('[data-timer="toggle"]');
  var out = document.getElementById("presenter-elapsed");
  var clock = document.getElementById("presenter-clock");
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function tick() {
    var ms = elapsed + (startedAt === null ? 0 : Date.now() - startedAt);
    var seconds = Math.floor(ms / 1000);
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor(seconds / 60) % 60;
    out.textContent = (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(seconds % 60);
    var now = new Date();
    clock.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
    state.elapsed = ms;
  }
  toggle.addEventListener("click", function () {
    if (startedAt === null) {
      startedAt = Date.now();
      toggle.textContent = toggle.dataset.pause;
    } else {
      elapsed += Date.now() - startedAt;
      startedAt = null;
      toggle.textContent = toggle.dataset.start;
    }
  });
  document.querySelector('[data-timer="reset"]').addEventListener("click", function () {
    elapsed = 0;
    if (startedAt !== null) startedAt = Date.now();
    tick();
  });
  setInterval(tick, 500);
  tick();

  render();
  deck.send({ type: "hello" });
})();
