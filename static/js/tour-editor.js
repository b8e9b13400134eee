// The tour editor: the ordered stops beside a live map. Every change goes to the JSON API
// (/api/v1/tours/...) as people make it; the words come from the page (#tour-editor-data),
// and people's text is only ever set with textContent or as a field's value.
(function () {
  "use strict";
  const TE = window.TourEditor;
  const el = TE.el;
  const root = document.getElementById("tour-editor");
  if (!root || !window.L) { return; }
  const data = JSON.parse(document.getElementById("tour-editor-data").textContent);
  const S = data.strings;
  TE.csrf = root.dataset.csrf;

  const ed = (TE.ed = {
    data: data, S: S, tour: null, stops: [], selected: null, placing: null,
    sites: new Map(data.sites.map((site) => [site.id, site])),
    media: new Map(data.media.map((item) => [item.id, item])),
    names: Object.fromEntries(data.languages.map((l) => [l.code, l.name])),
    writing: data.interface_language, translation: "",
  });

  const list = document.getElementById("editor-stops");
  const status = document.getElementById("save-status");
  const announcer = document.getElementById("announcer");
  const mapMode = document.getElementById("map-mode");

  TE.announce = function (text) {
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = text; }, 60);
  };

  ed.stopUrl = (id) => data.urls.stops + "/" + id;
  ed.keyOf = (id) => (id === "tour" ? "tour" : "stop:" + id);
  ed.stopById = (id) => ed.stops.find((stop) => stop.id === id);
  ed.entity = (key) => (key === "tour" ? ed.tour : ed.stopById(Number(key.slice(5))));

  function applyPatch(obj, patch) {
    Object.keys(patch).forEach((field) => {
      const value = patch[field];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        obj[field] = Object.assign({}, obj[field] || {});
        Object.keys(value).forEach((lang) => {
          if (value[lang]) { obj[field][lang] = value[lang]; } else { delete obj[field][lang]; }
        });
      } else {
        obj[field] = value;
      }
    });
    return obj;
  }
  ed.applyPatch = applyPatch;

  // A fresh copy from the server, with what is still waiting to be saved on top.
  function fresh(key, obj) { return applyPatch(obj, ed.saver.pending(key)); }

  ed.saver = new TE.Saver("tb-tour-editor:" + data.tour_id, {
    busy: () => ed.listBusy > 0, // a change to the list of stops is being saved
    version: (key) => { const obj = ed.entity(key); return obj ? obj.version : undefined; },
    saved: (key, obj) => {
      TE.checkSoon();
      if (key === "tour") { ed.tour = fresh(key, obj); TE.tourSaved(); return; }
      const i = ed.stops.findIndex((stop) => stop.id === obj.id);
      if (i >= 0) { ed.stops[i] = fresh(key, obj); }
      ed.followTour(obj);
      refreshStop(obj.id);
    },
    conflict: (key, sent, error) => TE.showConflict(key, sent, error),
    status: (state, message) => {
      status.dataset.state = state;
      status.textContent = state === "refused" ? TE.fill(S.refused, { message: message }) : S[state];
    },
  });

  // One field changed by the person: into the page's state at once, to the server soon.
  ed.change = function (key, field, value, lang, delay) {
    const obj = ed.entity(key);
    if (!obj) { return; }
    applyPatch(obj, lang ? { [field]: { [lang]: value } } : { [field]: value });
    const url = key === "tour" ? data.urls.tour : ed.stopUrl(obj.id);
    ed.saver.set(key, url, field, value, lang, delay);
  };

  ed.text = function (values, fallback) {
    const v = values || {};
    return v[ed.writing] || v[fallback] || Object.values(v).find(Boolean) || "";
  };
  ed.fallback = () => ((ed.tour && ed.tour.languages && ed.tour.languages[0]) || data.team_languages[0] || "en");

  ed.position = function (stop) {
    if (stop.lat !== null && stop.lat !== undefined) { return { lat: stop.lat, lon: stop.lon }; }
    const site = stop.site_id ? ed.sites.get(stop.site_id) : null;
    return site ? { lat: site.lat, lon: site.lon } : null;
  };

  ed.stopTitle = function (stop) {
    const site = stop.site_id ? ed.sites.get(stop.site_id) : null;
    return ed.text(stop.title, ed.fallback()) || (site && site.name) || S.untitled;
  };

  // ---- the map ----
  ed.map = new TE.EditorMap(document.getElementById("editor-map"), data.tiles, {
    select: (id) => select(id, true),
    moved: (id, lat, lon) => ed.placeStop(id, lat, lon),
    clicked: (lat, lon) => {
      const placing = ed.placing;
      if (placing === "new") { setPlacing(null); addStop({ lat: round(lat), lon: round(lon) }); }
      else if (placing) { setPlacing(null); ed.placeStop(placing, lat, lon); }
    },
  }, S);

  function round(x) { return Math.round(x * 1e6) / 1e6; }

  ed.updateMap = function () {
    ed.map.update(ed.stops.map((stop, i) => {
      const at = ed.position(stop);
      return { id: stop.id, number: i + 1, title: ed.stopTitle(stop),
        lat: at ? at.lat : null, lon: at ? at.lon : null, draggable: true };
    }), ed.selected);
  };

  ed.placeStop = function (id, lat, lon) {
    const key = ed.keyOf(id);
    ed.change(key, "lat", round(lat), null, 0);
    ed.change(key, "lon", round(lon), null, 0);
    refreshStop(id, true);
  };

  function setPlacing(what) {
    ed.placing = what;
    ed.map.placing(what);
    mapMode.hidden = !what;
    mapMode.textContent = what === "new" ? S.map_mode : (what ? S.click_map : "");
  }
  ed.setPlacing = setPlacing;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && ed.placing) { setPlacing(null); }
  });

  // ---- the list of stops ----
  function stopItem(stop, i) {
    const number = i + 1;
    const open = stop.id === ed.selected;
    const last = i === ed.stops.length - 1;
    const header = el("div", { className: "stop-header" }, [
      el("span", { className: "drag-handle", title: S.drag, "aria-hidden": "true", text: "⠿" }),
      el("span", { className: "stop-number", "aria-hidden": "true", text: String(number) }),
      el("button", { type: "button", className: "stop-toggle", "aria-expanded": String(open),
        "aria-controls": "stop-body-" + stop.id, on: { click: () => select(open ? null : stop.id) } }, [
        el("span", { className: "visually-hidden", text: TE.fill(S.stop, { number: number }) + ": " }),
        el("span", { className: "stop-label", dir: "auto", text: ed.stopTitle(stop) }),
      ]),
      el("span", { className: "stop-tools" }, [
        el("button", { type: "button", className: "icon-button move-up", title: S.move_up,
          "aria-label": S.move_up, disabled: i === 0, on: { click: () => move(stop.id, -1) } }, ["↑"]),
        el("button", { type: "button", className: "icon-button move-down", title: S.move_down,
          "aria-label": S.move_down, disabled: last, on: { click: () => move(stop.id, 1) } }, ["↓"]),
        el("button", { type: "button", className: "icon-button delete-stop", title: S.delete_stop,
          "aria-label": S.delete_stop, on: { click: () => removeStop(stop.id) } }, ["✕"]),
      ]),
    ]);
    return el("li", { className: "editor-stop" + (open ? " is-selected" : ""), id: "stop-" + stop.id,
      tabindex: "-1", dataset: { id: String(stop.id) } }, [header, open ? TE.stopBody(stop, number) : null]);
  }

  ed.renderStops = function () {
    list.replaceChildren(...ed.stops.map(stopItem));
    if (!ed.stops.length) { list.append(el("li", { className: "empty", text: S.no_stops })); }
    ed.updateMap();
  };

  // A stop's header and marker after its text or place changed (its fields keep focus).
  function refreshStop(id, position) {
    const item = document.getElementById("stop-" + id);
    const stop = ed.stopById(id);
    if (!item || !stop) { return; }
    item.querySelector(".stop-label").textContent = ed.stopTitle(stop);
    if (position && TE.refreshPosition) { TE.refreshPosition(stop); }
    ed.updateMap();
  }
  ed.refreshStop = refreshStop;

  function select(id, fromMap) {
    ed.selected = id;
    ed.renderStops();
    if (id === null) { return; }
    const item = document.getElementById("stop-" + id);
    const at = ed.position(ed.stopById(id));
    if (at) { ed.map.show(at.lat, at.lon, ed.stopById(id).zoom); }
    if (item) {
      item.scrollIntoView({ block: "nearest" });
      if (fromMap) { item.focus(); } else { item.querySelector(".stop-toggle").focus(); }
    }
  }
  ed.select = select;

  function mergeStops(stops) {
    ed.stops = stops.map((stop) => fresh(ed.keyOf(stop.id), stop));
    stops.forEach(ed.followTour);
  }

  // Adding, deleting and reordering stops count in the tour's version: keep it current,
  // so the next change to the tour's own fields is not taken for a stale one.
  ed.followTour = function (stop) {
    if (ed.tour && stop && stop.tour_version !== undefined && stop.tour_version > (ed.tour.version || 0)) {
      ed.tour.version = stop.tour_version;
    }
  };

  // Changes to the list of stops go one after the other: each is sent with the tour's
  // version the one before it brought back.
  // While one is waiting or on its way, the status says "Saving…", not "All changes saved".
  let listChanges = Promise.resolve();
  ed.listBusy = 0;
  ed.inTurn = function (work) {
    ed.listBusy += 1;
    ed.listRefused = false;
    ed.saver.report();
    const turn = listChanges.then(work, work);
    listChanges = turn.catch(() => null);
    const done = () => {
      ed.listBusy -= 1;
      if (!ed.listRefused) { ed.saver.report(); } // keep a refusal's message on show
    };
    turn.then(() => { done(); TE.checkSoon(); }, done);
    return turn;
  };

  // The tour and its stops afresh from the server (after publishing or discarding).
  ed.reload = async function () {
    const loaded = await Promise.all([TE.api("GET", data.urls.tour), TE.api("GET", data.urls.stops)]);
    ed.tour = fresh("tour", loaded[0]);
    mergeStops(loaded[1]);
    if (ed.selected !== null && !ed.stopById(ed.selected)) { ed.selected = null; }
    TE.tourSaved();
    TE.renderTour();
    ed.renderStops();
  };

  function reorder(ids, from, to) {
    const byId = new Map(ed.stops.map((stop) => [stop.id, stop]));
    ed.stops = ids.map((id) => byId.get(id));
    ed.renderStops();
    TE.announce(TE.fill(S.moved, { from: from, to: to }));
    return ed.inTurn(sendOrder);
  }

  async function sendOrder() {
    const ids = ed.stops.map((stop) => stop.id);
    try {
      const body = ed.tour.version === undefined ? ids : { stop_ids: ids, version: ed.tour.version };
      const answer = await TE.api("PUT", data.urls.order, body);
      // the stops as saved, in the order on the page now (a later move may be waiting)
      const byId = new Map(answer.map((stop) => [stop.id, stop]));
      const now = ed.stops.map((stop) => stop.id);
      if (now.every((id) => byId.has(id)) && now.length === answer.length) {
        mergeStops(now.map((id) => byId.get(id)));
      } else {
        mergeStops(answer);
        ed.renderStops();
      }
      ed.updateMap();
    } catch (error) {
      ed.listRefused = true;
      ed.saver.hooks.status("refused", TE.errorMessage(error));
      mergeStops(await TE.api("GET", data.urls.stops));
      ed.renderStops();
    }
  }

  function move(id, delta) {
    const ids = ed.stops.map((stop) => stop.id);
    const i = ids.indexOf(id);
    const j = i + delta;
    if (j < 0 || j >= ids.length) { return; }
    ids.splice(i, 1);
    ids.splice(j, 0, id);
    reorder(ids, i + 1, j + 1);
    const item = document.getElementById("stop-" + id);
    const same = item.querySelector(delta < 0 ? ".move-up" : ".move-down");
    (same.disabled ? item.querySelector(delta < 0 ? ".move-down" : ".move-up") : same).focus();
  }

  window.Sortable.create(list, {
    handle: ".stop-header", draggable: ".editor-stop", filter: "button, input, select, textarea",
    preventOnFilter: false, animation: 150, forceFallback: true, fallbackTolerance: 4,
    onEnd: (event) => {
      if (event.oldIndex === event.newIndex) { return; }
      const ids = Array.from(list.querySelectorAll(".editor-stop")).map((li) => Number(li.dataset.id));
      reorder(ids, event.oldIndex + 1, event.newIndex + 1);
    },
  });

  // ---- adding and deleting ----
  async function addStop(body, quiet) {
    let created;
    try {
      created = await ed.inTurn(() => TE.api("POST", data.urls.stops, body));
    } catch (error) {
      ed.saver.hooks.status(error.status ? "refused" : "offline", TE.errorMessage(error));
      return null;
    }
    ed.stops.push(created);
    ed.followTour(created);
    select(created.id);
    if (!quiet) { TE.announce(TE.fill(S.added, { number: ed.stops.length })); }
    return created;
  }
  ed.addStop = addStop;

  const toast = document.getElementById("toast");
  let toastTimer = null;
  function showToast(text, action, run) {
    clearTimeout(toastTimer);
    toast.replaceChildren(el("span", { text: text }), action ? el("button", { type: "button",
      className: "button small", text: action, on: { click: () => { toast.hidden = true; run(); } } }) : null);
    toast.hidden = false;
    toastTimer = setTimeout(() => { toast.hidden = true; }, 12000);
  }
  ed.showToast = showToast;

  async function removeStop(id) {
    const i = ed.stops.findIndex((stop) => stop.id === id);
    const stop = ed.stops[i];
    const key = ed.keyOf(id);
    const kept = ed.saver.pending(key);
    ed.saver.drop(key);
    let deleted;
    try {
      deleted = await ed.inTurn(() => TE.api("DELETE", ed.stopUrl(id),
        stop.version === undefined ? undefined : { version: stop.version }));
    } catch (error) {
      ed.saver.hooks.status(error.status ? "refused" : "offline", TE.errorMessage(error));
      Object.keys(kept).forEach((field) => ed.saver.set(key, ed.stopUrl(id), field, kept[field]));
      return;
    }
    ed.stops.splice(i, 1);
    if (ed.selected === id) { ed.selected = null; }
    ed.renderStops();
    const next = list.querySelector(".stop-toggle") || document.getElementById("add-stop-heading");
    if (next) { next.focus(); }
    ed.followTour(deleted);
    showToast(TE.fill(S.deleted, { number: i + 1 }), S.undo, () => restoreStop(deleted || stop, i));
  }

  // Undo: the server puts the stop back as DELETE described it, at its place, with its id.
  async function restoreStop(stop, index) {
    if (stop && stop.position !== undefined) {
      let restored;
      try {
        restored = await ed.inTurn(() => TE.api("POST", data.urls.stops + "/restore", stop));
      } catch (error) {
        ed.saver.hooks.status(error.status ? "refused" : "offline", TE.errorMessage(error));
        return;
      }
      mergeStops(await TE.api("GET", data.urls.stops));
      ed.followTour(restored);
      select(restored.id);
      TE.announce(S.restored);
      return;
    }
    await recreateStop(stop, index);
  }

  // Without the server's undo: the stop made again with everything it had.
  async function recreateStop(stop, index) {
    const body = { title: stop.title, narrative: stop.narrative,
      presenter_notes: stop.presenter_notes || {}, discussion_prompts: stop.discussion_prompts || {},
      media_ids: stop.media_ids || [] };
    if (stop.site_id) { body.site_id = stop.site_id; }
    if (stop.lat !== null && stop.lat !== undefined) { body.lat = stop.lat; body.lon = stop.lon; }
    if (stop.zoom !== null && stop.zoom !== undefined) { body.zoom = stop.zoom; }
    const created = await addStop(body, true);
    if (!created) { return; }
    if (index < ed.stops.length - 1) {
      const ids = ed.stops.map((s) => s.id).filter((sid) => sid !== created.id);
      ids.splice(index, 0, created.id);
      await reorder(ids, ed.stops.length, index + 1);
    }
    select(created.id);
    TE.announce(S.restored);
  }

  // ---- start ----
  function showHash() {
    const match = /^#stop-(\d+)$/.exec(window.location.hash);
    if (match && ed.stopById(Number(match[1]))) { select(Number(match[1]), true); }
    const field = /^#tour-([a-z_]+)$/.exec(window.location.hash);
    if (field) { TE.showTourField(field[1]); }
  }
  window.addEventListener("hashchange", showHash);

  async function start() {
    try {
      const loaded = await Promise.all([TE.api("GET", data.urls.tour), TE.api("GET", data.urls.stops)]);
      ed.tour = loaded[0];
      ed.stops = loaded[1];
    } catch (error) {
      status.dataset.state = "refused";
      status.textContent = S.load_error;
      return;
    }
    const fallback = ed.fallback();
    ed.translation = fallback !== ed.writing ? fallback : "";
    // what a previous visit typed but could not save goes back into the fields, and out
    const stored = ed.saver.stored();
    Object.keys(stored).forEach((key) => {
      if (!ed.entity(key)) { return; }
      const patch = stored[key].patch || {};
      Object.keys(patch).forEach((field) => {
        const value = patch[field];
        if (value && typeof value === "object" && !Array.isArray(value)) {
          Object.keys(value).forEach((lang) => ed.change(key, field, value[lang], lang, 0));
        } else {
          ed.change(key, field, value, null, 0);
        }
      });
      if (stored[key].version !== undefined) { ed.saver.entry(key).baseVersion = stored[key].version; }
    });
    TE.renderLanguages();
    TE.renderTour();
    TE.renderAdd();
    ed.renderStops();
    showHash();
    TE.check();
    root.classList.add("is-ready");
  }
  start();
})();
