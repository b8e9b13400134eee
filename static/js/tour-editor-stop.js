// One stop in the tour editor: its texts (with the narrative's published preview), its
// media in order, its place (its site's or its own) and the map's zoom for it.
(function () {
  "use strict";
  const TE = (window.TourEditor = window.TourEditor || {});
  const el = TE.el;

  function texts(stop, key, name, label, multiline, rows, maxLength) {
    const ed = TE.ed;
    return TE.translatedField({
      name: name, label: label, multiline: multiline, rows: rows, maxLength: maxLength,
      values: stop[name], fallback: ed.fallback(), languages: [ed.writing, ed.translation],
      names: ed.names, strings: ed.S,
      input: (lang, value) => {
        ed.change(key, name, value, lang);
        if (name === "title") { ed.refreshStop(stop.id); }
        if (name === "narrative") { schedulePreview(stop); }
      },
    });
  }

  // ---- the narrative's preview, rendered and sanitised by the server as published ----
  let previewTimer = null;
  let previewAsked = 0;
  function schedulePreview(stop) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => preview(stop), 350);
  }

  async function preview(stop) {
    const ed = TE.ed;
    const target = document.getElementById("preview-" + stop.id);
    if (!target) { return; }
    const current = ed.stopById(stop.id) || stop;
    const lang = (current.narrative || {})[ed.writing] ? ed.writing : ed.fallback();
    const text = (current.narrative || {})[lang] || "";
    target.lang = lang;
    const asked = ++previewAsked;
    if (!text) { target.replaceChildren(); return; }
    try {
      const answer = await TE.api("POST", ed.data.urls.markdown, { text: text });
      if (asked === previewAsked) { TE.showHtml(target, answer.html); }
    } catch (error) {
      // offline: the preview waits for the next change
    }
  }

  // ---- media ----
  function mediaList(stop, key) {
    const ed = TE.ed;
    const S = ed.S;
    const ids = stop.media_ids || [];
    const setIds = (next) => {
      ed.change(key, "media_ids", next, null, 0);
      const body = document.getElementById("stop-media-" + stop.id);
      body.replaceWith(mediaList(ed.stopById(stop.id), key));
      TE.renderTour();
    };
    const items = ids.map((id, i) => {
      const item = ed.media.get(id) || { id: id, name: "#" + id, kind: "", thumb: "" };
      const hasPlace = item.lat !== null && item.lat !== undefined;
      return el("li", { className: "media-row", dataset: { id: String(id) } }, [
        item.thumb ? el("img", { src: item.thumb, alt: "", width: "64", height: "48", loading: "lazy" })
          : el("span", { className: "thumb-empty", "aria-hidden": "true" }),
        el("span", { className: "media-name" }, [el("bdi", { text: item.caption || item.name }),
          " ", el("span", { className: "badge", text: S.kinds[item.kind] || item.kind })]),
        el("span", { className: "media-tools" }, [
          hasPlace ? el("button", { type: "button", className: "button small use-position",
            text: S.use_position, on: { click: () => ed.placeStop(stop.id, item.lat, item.lon) } }) : null,
          el("button", { type: "button", className: "icon-button", title: S.move_up, "aria-label": S.move_up,
            disabled: i === 0, on: { click: () => { const n = ids.slice(); n.splice(i - 1, 0, n.splice(i, 1)[0]); setIds(n); } } }, ["↑"]),
          el("button", { type: "button", className: "icon-button", title: S.move_down, "aria-label": S.move_down,
            disabled: i === ids.length - 1, on: { click: () => { const n = ids.slice(); n.splice(i + 1, 0, n.splice(i, 1)[0]); setIds(n); } } }, ["↓"]),
          el("button", { type: "button", className: "icon-button remove-media", title: S.remove, "aria-label": S.remove,
            on: { click: () => setIds(ids.filter((x) => x !== id)) } }, ["✕"]),
        ]),
      ]);
    });
    const listNode = el("ol", { className: "stop-media-list" }, items);
    if (window.Sortable && ids.length > 1) {
      window.Sortable.create(listNode, { animation: 150, forceFallback: true, filter: "button",
        preventOnFilter: false, onEnd: () => setIds(Array.from(listNode.children).map((li) => Number(li.dataset.id))) });
    }
    const choices = data().media.filter((item) => !ids.includes(item.id));
    const addId = TE.uid("add-media");
    const add = el("select", { id: addId, className: "add-media" }, [
      el("option", { value: "", text: S.add_media }),
      ...choices.map((item) => el("option", { value: String(item.id),
        text: (item.caption || item.name) + " · " + (S.kinds[item.kind] || item.kind) })),
    ]);
    add.addEventListener("change", () => { if (add.value) { setIds(ids.concat([Number(add.value)])); } });
    return el("fieldset", { className: "stop-media", id: "stop-media-" + stop.id }, [
      el("legend", { text: S.media }),
      ids.length ? listNode : el("p", { className: "hint", text: S.no_media }),
      el("label", { for: addId, className: "visually-hidden", text: S.add_media }), add,
    ]);
  }

  function data() { return TE.ed.data; }

  // ---- place and zoom ----
  function positionFields(stop, key) {
    const ed = TE.ed;
    const S = ed.S;
    const siteOptions = [{ value: "", text: S.no_site }].concat(
      ed.data.sites.map((site) => ({ value: site.id, text: site.name })));
    const site = TE.selectField(S.site, siteOptions, stop.site_id || "", (value) => {
      const id = value ? Number(value) : null;
      ed.change(key, "site_id", id, null, 0);
      if (id) { ed.change(key, "lat", null, null, 0); ed.change(key, "lon", null, null, 0); }
      ed.refreshStop(stop.id, true);
      const at = ed.position(ed.stopById(stop.id));
      if (at) { ed.map.show(at.lat, at.lon); }
    }, { className: "stop-site" });
    const coordId = TE.uid("coords");
    const own = stop.lat !== null && stop.lat !== undefined;
    const shown = ed.position(stop);
    const coords = el("input", { id: coordId, className: "coordinates", dir: "ltr", inputmode: "text",
      autocomplete: "off", value: own ? stop.lat + ", " + stop.lon : "",
      placeholder: !own && shown ? shown.lat + ", " + shown.lon : null,
      "aria-describedby": coordId + "-msg" });
    const message = el("p", { className: "hint coords-message", id: coordId + "-msg", role: "status",
      text: ed.position(stop) ? "" : S.no_position });
    async function read() {
      const typed = coords.value.trim();
      if (!typed) { return; }
      try {
        const answer = await TE.api("GET", ed.data.urls.coordinates + "?q=" + encodeURIComponent(typed));
        coords.removeAttribute("aria-invalid");
        message.textContent = "";
        ed.placeStop(stop.id, answer.lat, answer.lon);
        ed.map.show(answer.lat, answer.lon);
      } catch (error) {
        if (!error.status) { return; }
        coords.setAttribute("aria-invalid", "true");
        message.textContent = S.coordinates_error;
      }
    }
    coords.addEventListener("change", read);
    coords.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); read(); } });
    const zoomId = TE.uid("zoom");
    const zoom = el("input", { id: zoomId, type: "number", min: "0", max: "22", step: "1",
      className: "stop-zoom", value: stop.zoom === null || stop.zoom === undefined ? "" : String(stop.zoom) });
    zoom.addEventListener("change", () => {
      const value = zoom.value === "" ? null : Math.max(0, Math.min(22, Math.round(Number(zoom.value))));
      ed.change(key, "zoom", value, null, 0);
    });
    return el("fieldset", { className: "stop-position" }, [
      el("legend", { text: S.position }),
      site,
      el("div", { className: "field" }, [el("label", { for: coordId, text: S.coordinates }), coords, message]),
      el("p", { className: "position-tools" }, [
        el("button", { type: "button", className: "button small place-on-map", text: S.place_on_map,
          on: { click: () => { ed.setPlacing(stop.id); } } }),
      ]),
      el("div", { className: "field zoom-field" }, [
        el("label", { for: zoomId, text: S.zoom }),
        el("span", { className: "inline-controls" }, [zoom,
          el("button", { type: "button", className: "button small", text: S.use_map_zoom, on: { click: () => {
            zoom.value = String(ed.map.zoom()); zoom.dispatchEvent(new Event("change"));
          } } })]),
      ]),
    ]);
  }

  // After the place changed elsewhere (the map, a photo): the typed coordinates follow.
  TE.refreshPosition = function (stop) {
    const item = document.getElementById("stop-" + stop.id);
    if (!item) { return; }
    const coords = item.querySelector(".coordinates");
    if (coords && document.activeElement !== coords) {
      coords.value = stop.lat !== null && stop.lat !== undefined ? stop.lat + ", " + stop.lon : "";
    }
    const select = item.querySelector(".stop-site");
    if (select) { select.value = stop.site_id ? String(stop.site_id) : ""; }
    const message = item.querySelector(".coords-message");
    if (message) { message.textContent = TE.ed.position(stop) ? "" : TE.ed.S.no_position; }
  };

  TE.stopBody = function (stop, number) {
    const ed = TE.ed;
    const S = ed.S;
    const key = ed.keyOf(stop.id);
    const previewBox = el("div", { className: "narrative narrative-preview", id: "preview-" + stop.id, dir: "auto" });
    const body = el("div", { className: "stop-body", id: "stop-body-" + stop.id,
      "aria-label": TE.fill(S.stop, { number: number }) }, [
      texts(stop, key, "title", S.title, false, 0, 200),
      texts(stop, key, "narrative", S.narrative, true, 7, 50000),
      el("section", { className: "preview", "aria-label": S.preview }, [
        el("p", { className: "preview-label", text: S.preview, "aria-hidden": "true" }), previewBox]),
      mediaList(stop, key),
      positionFields(stop, key),
      texts(stop, key, "presenter_notes", S.presenter_notes, true, 3, 20000),
      texts(stop, key, "discussion_prompts", S.discussion_prompts, true, 3, 20000),
    ]);
    setTimeout(() => preview(stop), 0);  // once the body is on the page
    return body;
  };
})();
