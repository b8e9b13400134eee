/* Follow-along in the presenter view (#presenter-live): start and end the session, show
 * the room's QR code, address and code, and list the reflections phones send (from this
 * window's own event stream), each with "Show on screen", which asks the audience window
 * over BroadcastChannel to show it (docs/presenting-live.md).
 *
 * The session's code is kept in localStorage ("tourbuilder-live"), where the audience
 * window (present-live.js) finds it: that window sends the stop it shows to the server.
 */
(function () {
  "use strict";
  var panel = document.getElementById("presenter-live");
  var source = document.getElementById("live-data");
  if (!panel || !source) return;
  var live = JSON.parse(source.textContent);
  var L = live.labels;
  var KEY = "tourbuilder-live";
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("tourbuilder-present-" + live.slug) : null;
  var state = { code: null, reflections: [], stream: null };
  window.tourbuilderLivePanel = state;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function format(pattern, values) {
    return String(pattern).replace(/%\((\w+)\)s/g, function (m, name) {
      return name in values ? String(values[name]) : m;
    });
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": live.csrf },
      body: body ? JSON.stringify(body) : undefined
    });
  }
  function saved() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  panel.classList.add("live-panel");
  panel.setAttribute("aria-labelledby", "presenter-live-heading");
  var heading = el("h2", "", L.heading);
  heading.id = "presenter-live-heading";
  var body = el("div", "live-panel-body");
  var status = el("p", "live-panel-status");
  status.setAttribute("role", "status");
  panel.append(heading, body, status);

  function renderIdle() {
    body.replaceChildren();
    if (!live.reachable) body.append(el("p", "live-warning", L.warning));
    body.append(el("p", "", L.intro));
    var start = el("button", "present-button primary", L.start);
    start.type = "button";
    start.dataset.liveStart = "";
    start.addEventListener("click", begin);
    body.append(start);
  }

  function renderRunning(session) {
    body.replaceChildren();
    if (!session.reachable) body.append(el("p", "live-warning", session.warning || L.warning));
    var figure = el("figure", "live-qr");
    var img = el("img");
    img.src = session.qr;
    img.alt = L.qr;
    img.width = 224;
    img.height = 224;
    var code = el("p", "live-code", session.code);
    code.setAttribute("aria-label", L.code + ": " + session.code.split("").join(" "));
    var caption = el("figcaption");
    caption.append(code, el("p", "live-url", format(L.open, { url: session.join_url })));
    var url = el("p", "live-url live-full-url", session.url);
    url.dir = "ltr";
    caption.append(url);
    figure.append(img, caption);
    var end = el("button", "present-button", L.end);
    end.type = "button";
    end.addEventListener("click", finish);
    body.append(figure, end);
    if (live.workshop_id) {
      body.append(el("h3", "", L.reflections));
      var list = el("ol", "live-reflections");
      list.setAttribute("aria-live", "polite");
      list.dataset.empty = L.none;
      body.append(list);
      if (!state.reflections.length) body.append(el("p", "hint live-none", L.none));
      state.reflections.forEach(function (r) { list.append(reflectionItem(r)); });
    }
  }

  function reflectionItem(r) {
    var item = el("li");
    item.dataset.reflection = r.id;
    var meta = el("p", "meta", format(L.stop, { num: r.stop }) + " · ");
    var who = el("bdi", "", r.name || L.anonymous);
    meta.append(who);
    var text = el("p", "", r.body);
    text.dir = "auto";
    var show = el("button", "present-button small", r.shown ? L.shown : L.show);
    show.type = "button";
    show.addEventListener("click", function () {
      if (channel) channel.postMessage({ type: "show-reflection", text: r.body, name: r.name || "" });
      r.shown = true;
      item.classList.add("is-shown");
      show.textContent = L.shown;
      api("POST", live.api + state.code + "/reflections/" + r.id + "/shown");
    });
    var hide = el("button", "present-button small", L.hide);
    hide.type = "button";
    hide.addEventListener("click", function () {
      if (channel) channel.postMessage({ type: "hide-reflection" });
    });
    if (r.shown) item.classList.add("is-shown");
    item.append(meta, text, show, hide);
    return item;
  }

  function listen(code) {
    if (state.stream) state.stream.close();
    // after=0: the reflections sent before this window opened come again
    var stream = new EventSource(live.events + code + "/events?after=0");
    state.stream = stream;
    stream.addEventListener("reflection", function (event) {
      var r = JSON.parse(event.data);
      if (r.slug && r.slug !== live.slug) return;
      if (state.reflections.some(function (x) { return x.id === r.id; })) return;
      state.reflections.push(r);
      var list = body.querySelector(".live-reflections");
      var none = body.querySelector(".live-none");
      if (none) none.remove();
      if (list) list.prepend(reflectionItem(r));
    });
    stream.addEventListener("end", function () { stream.close(); stopped(); });
  }

  function running(session) {
    state.code = session.code;
    window.localStorage.setItem(KEY, JSON.stringify({
      code: session.code, url: session.url, join_url: session.join_url, qr: session.qr
    }));
    renderRunning(session);
    listen(session.code);
    status.textContent = "";
  }

  function stopped() {
    var was = saved();
    if (was && was.code === state.code) window.localStorage.removeItem(KEY);
    state.code = null;
    if (state.stream) state.stream.close();
    renderIdle();
  }

  function begin() {
    var payload = { tour_id: live.tour_id };
    if (live.workshop_id) payload.workshop_id = live.workshop_id;
    api("POST", live.start, payload).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.message || response.statusText);
        running(answer);
      });
    }).catch(function (error) {
      status.textContent = format(L.failed, { reason: error.message });
    });
  }

  function finish() {
    var code = state.code;
    api("DELETE", live.api + code).then(stopped, stopped);
  }

  // A session started earlier (this tour or the previous one of the programme) goes on.
  var before = saved();
  if (before && before.code) {
    api("GET", live.api + before.code).then(function (response) {
      if (!response.ok) { window.localStorage.removeItem(KEY); renderIdle(); return; }
      return response.json().then(running);
    }).catch(renderIdle);
  } else {
    renderIdle();
  }
}());
