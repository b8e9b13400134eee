/* What presentation mode (present.js) and the presenter view (presenter.js) share: the
 * page's data, the order of positions, the stops hidden for this session, the keys, and
 * the BroadcastChannel both windows talk over. No fetch: everything is in the page
 * (#presentation-data), so it works from file:// in the offline pack. docs/presenting.md.
 *
 * A position is {stop, step}: stop 0 is the title slide, 1..n the tour's stops (their
 * own numbers, also when some are hidden), n + 1 the end slide; step is the stop's media
 * item shown (0 when it has none).
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("presentation-data").textContent);
  var rtl = document.documentElement.dir === "rtl";
  var total = data.stops.length;
  var storageKey = "tb-present-hidden:" + data.slug;

  function el(tag, className, text, lang) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) {
      node.textContent = text;
      node.dir = "auto"; // people's text keeps its own direction on any page
    }
    if (lang) node.lang = lang;
    return node;
  }

  // "Stop %(num)s: %(title)s", translated whole (word order differs between languages);
  // values through functions, so "$&" in a title stays text.
  function format(pattern, values) {
    return String(pattern || "").replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function loadHidden() {
    try {
      var list = JSON.parse(window.sessionStorage.getItem(storageKey) || "[]");
      return Array.isArray(list) ? list.filter(function (n) { return n >= 1 && n <= total; }) : [];
    } catch (err) {
      return [];
    }
  }

  var deck = {
    data: data,
    total: total,
    rtl: rtl,
    hidden: loadHidden(),
    el: el,
    format: format,
  };

  // A block holding people's text in its own span, so the block keeps the page's alignment.
  deck.block = function (tag, className, text, lang) {
    var node = el(tag, className);
    if (text) node.appendChild(el("span", "", text, lang));
    return node;
  };

  deck.stop = function (number) {
    return number >= 1 && number <= total ? data.stops[number - 1] : null;
  };
  deck.steps = function (number) {
    var stop = deck.stop(number);
    return stop ? Math.max(1, stop.media.length) : 1;
  };
  deck.shown = function (number) {
    return deck.hidden.indexOf(number) < 0;
  };
  deck.setHidden = function (list) {
    deck.hidden = (list || []).filter(function (n) { return n >= 1 && n <= total; });
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(deck.hidden));
    } catch (err) { /* private mode: kept for this page only */ }
    document.querySelectorAll("[data-stop-list] input").forEach(function (box) {
      box.checked = deck.shown(parseInt(box.value, 10));
    });
  };
  deck.clamp = function (pos) {
    var stop = Math.max(0, Math.min(total + 1, pos.stop | 0));
    var step = stop >= 1 && stop <= total ? Math.max(0, Math.min(deck.steps(stop) - 1, pos.step | 0)) : 0;
    return { stop: stop, step: step };
  };
  deck.next = function (pos) {
    if (pos.stop >= 1 && pos.stop <= total && pos.step < deck.steps(pos.stop) - 1) {
      return { stop: pos.stop, step: pos.step + 1 };
    }
    for (var n = pos.stop + 1; n <= total; n++) {
      if (deck.shown(n)) return { stop: n, step: 0 };
    }
    return { stop: total + 1, step: 0 };
  };
  deck.previous = function (pos) {
    if (pos.stop >= 1 && pos.stop <= total && pos.step > 0) {
      return { stop: pos.stop, step: pos.step - 1 };
    }
    for (var n = Math.min(pos.stop - 1, total); n >= 1; n--) {
      if (deck.shown(n)) return { stop: n, step: deck.steps(n) - 1 };
    }
    return { stop: 0, step: 0 };
  };
  // The stop after this one, for the presenter's "Next" card (null: the end slide).
  deck.following = function (pos) {
    for (var n = pos.stop + 1; n <= total; n++) {
      if (deck.shown(n)) return n;
    }
    return null;
  };

  // What a key means: clickers send PageDown/PageUp (and "." or B for black); arrows are
  // mirrored on right-to-left pages, as on the story page. Digits and Enter make a jump.
  deck.action = function (event) {
    var key = event.key;
    var forward = rtl ? "ArrowLeft" : "ArrowRight";
    var back = rtl ? "ArrowRight" : "ArrowLeft";
    if (key === forward || key === "PageDown" || key === " " || key === "Spacebar") return "next";
    if (key === back || key === "PageUp") return "prev";
    if (key === "Home") return "first";
    if (key === "End") return "last";
    if (key === "Enter") return "enter";
    if (key === "Escape") return "escape";
    if (/^[0-9]$/.test(key)) return "digit";
    switch (key.toLowerCase()) {
      case "f": return "full";
      case "m": return "view";
      case "b": case ".": return "black";
      case "p": return "presenter";
      case "?": return "help";
      default: return null;
    }
  };

  // Keys people type or that a focused control uses itself (a video's Space, a panorama's
  // arrows) stay theirs; clickers' PageDown/PageUp always move.
  deck.ownKeys = function (event) {
    var target = event.target;
    if (!target || !target.closest) return false;
    if (target.closest("input[type=text], input[type=number], textarea, select, [contenteditable]")) return true;
    if (event.key === "PageDown" || event.key === "PageUp") return false;
    if (target.closest("video, audio, .panorama-viewer")) return true;
    return (event.key === " " || event.key === "Enter") && !!target.closest("button, a, summary, input");
  };

  // "4" then Enter: go to stop 4. The typed number shows in #present-jump for 3 s.
  var typed = "";
  var typedTimer = null;
  var jumpBox = document.getElementById("present-jump");
  deck.typeDigit = function (digit) {
    typed = (typed + digit).slice(-3);
    clearTimeout(typedTimer);
    typedTimer = setTimeout(deck.clearTyped, 3000);
    if (jumpBox) {
      jumpBox.textContent = format(data.labels.jump, { num: typed });
      jumpBox.hidden = false;
    }
  };
  deck.takeTyped = function () {
    var number = typed === "" ? null : parseInt(typed, 10);
    deck.clearTyped();
    return number;
  };
  deck.clearTyped = function () {
    typed = "";
    if (jumpBox) jumpBox.hidden = true;
  };

  // One channel per tour; every message is a plain object with a type (docs/presenting.md).
  var channel = "BroadcastChannel" in window ? new BroadcastChannel(data.channel) : null;
  deck.send = function (message) {
    if (channel) channel.postMessage(message);
  };
  deck.listen = function (handler) {
    if (channel) {
      channel.addEventListener("message", function (event) {
        if (event.data && typeof event.data.type === "string") handler(event.data);
      });
    }
  };

  // A workshop's programme: past the end slide (or before the title slide) this window
  // opens its own page of the next (previous) tour and tells the other window, which does
  // the same with its page (deck.followTour). False when there is no such tour.
  function tourPage(which) {
    return which === "next-tour" ? data.next_tour : which === "previous-tour" ? data.previous_tour : null;
  }
  deck.leave = function (which) {
    var to = tourPage(which);
    if (!to) return false;
    deck.send({ type: which });
    window.location.href = to.url;
    return true;
  };
  deck.followTour = function (message) {
    var to = tourPage(message.type);
    if (to) window.location.href = to.url;
    return Boolean(to);
  };

  // The list of stops with a box each (title slide, presenter view): unticked is hidden.
  deck.buildStopLists = function (onChange) {
    document.querySelectorAll("[data-stop-list] ol").forEach(function (list) {
      data.stops.forEach(function (stop) {
        var item = el("li");
        var label = el("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.value = String(stop.number);
        box.checked = deck.shown(stop.number);
        box.addEventListener("change", function () {
          var hidden = deck.hidden.filter(function (n) { return n !== stop.number; });
          if (!box.checked) hidden.push(stop.number);
          hidden.sort(function (a, b) { return a - b; });
          deck.setHidden(hidden);
          onChange();
        });
        label.appendChild(box);
        label.appendChild(el("span", "present-stop-list-number", String(stop.number)));
        label.appendChild(el("span", "", stop.title, stop.title_lang));
        item.appendChild(label);
        list.appendChild(item);
      });
    });
  };

  deck.toggleHelp = function () {
    var help = document.getElementById("present-help");
    if (!help) return;
    help.hidden = !help.hidden;
    if (!help.hidden) help.querySelector("button").focus();
  };

  window.TourPresent = deck;
})();
