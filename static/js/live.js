// The phone page of a follow-along session (/live/<code>): follows the presenter's stop
// through Server-Sent Events; browsing (Previous, Next, All stops) pauses following until
// "Back to the presenter". Sends reflections when the session is part of a workshop.
// Words come from the page's data-* attributes (translated on the server).
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) { return; }
  var total = Number(root.dataset.total);
  var sections = root.querySelectorAll(".live-stop");
  var statusText = root.querySelector("[data-live-status]");
  var position = root.querySelector("[data-live-position]");
  var back = root.querySelector("[data-live-back]");
  var form = root.querySelector("[data-live-reflect]");
  var state = { following: true, presenterStop: Number(root.dataset.start), shownStop: -1,
                ended: false, events: 0 };
  window.tourbuilderLive = state;

  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  function label(n) {
    if (n === 0) { return root.dataset.msgTitle; }
    if (n > total) { return root.dataset.msgEnd; }
    return fill(root.dataset.patternPosition, { num: n, total: total });
  }

  function show(n) {
    n = Math.max(0, Math.min(total + 1, n));
    if (n === state.shownStop) { return; }
    var first = state.shownStop === -1;
    state.shownStop = n;
    sections.forEach(function (section) {
      var hidden = Number(section.dataset.stop) !== n;
      section.hidden = hidden;
      if (hidden) {
        section.querySelectorAll("video, audio").forEach(function (m) { m.pause(); });
      }
    });
    position.textContent = label(n);
    if (!first) { window.scrollTo(0, 0); } // a new stop is read from its title
    if (form) {
      form.hidden = n < 1 || n > total;
      form.querySelector("[data-reflect-about]").textContent =
        fill(form.dataset.patternAbout, { num: n });
    }
    updateStatus();
  }

  function updateStatus() {
    var following = state.following && !state.ended;
    statusText.textContent = state.ended ? root.dataset.msgEnded
      : following ? statusText.dataset.following : statusText.dataset.browsing;
    root.classList.toggle("is-following", following);
    back.hidden = following || state.ended;
    back.textContent = fill(root.dataset.patternBack, { num: state.presenterStop });
  }

  function browse(n) {
    state.following = false;
    show(n);
    updateStatus();
  }

  root.querySelectorAll("[data-live-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      browse(state.shownStop + Number(button.dataset.liveStep));
    });
  });
  root.querySelectorAll("[data-live-go]").forEach(function (button) {
    button.addEventListener("click", function () {
      button.closest("details").open = false;
      browse(Number(button.dataset.liveGo));
    });
  });
  back.addEventListener("click", function () {
    state.following = true;
    show(state.presenterStop);
    updateStatus();
  });

  var source = new EventSource(root.dataset.events);
  source.addEventListener("state", function (event) {
    var data = JSON.parse(event.data);
    state.events += 1;
    if (data.slug !== root.dataset.slug) {
      // the presenter moved on to the next tour of the workshop's programme
      source.close();
      window.location.reload();
      return;
    }
    state.presenterStop = data.stop;
    if (state.following) { show(data.stop); }
    updateStatus();
  });
  source.addEventListener("end", function () {
    source.close();
    state.ended = true;
    updateStatus();
  });
  source.addEventListener("open", function () { updateStatus(); });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      state.ended = true;
      updateStatus();
    } else if (!state.ended) {
      statusText.textContent = root.dataset.msgLost;
    }
  });

  show(state.presenterStop);

  if (!form) { return; }
  var body = form.querySelector("textarea");
  var name = form.querySelector("input[name=name]");
  var count = form.querySelector("[data-reflect-count]");
  var status = form.querySelector("[data-reflect-status]");
  var max = Number(body.getAttribute("maxlength"));
  function counted() {
    count.textContent = fill(count.dataset.pattern, { num: max - body.value.length });
  }
  body.addEventListener("input", counted);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = "";
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": form.dataset.csrf },
      body: JSON.stringify({ stop: state.shownStop, body: body.value, name: name.value })
    }).then(function (response) {
      if (response.ok) {
        body.value = "";
        counted();
        status.textContent = form.dataset.msgSent;
        return;
      }
      var fallback = response.status === 429 ? form.dataset.msgLimit : form.dataset.msgInvalid;
      // the server's refusal is in the phone's language (JSON: {message}); else ours
      return response.json().then(function (answer) {
        status.textContent = (answer && answer.message) || fallback;
      }, function () { status.textContent = fallback; });
    }).catch(function () {
      status.textContent = form.dataset.msgFailed;
    }).then(function () { button.disabled = false; });
  });
}());
