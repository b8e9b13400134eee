// The tour editor's other panels: the language people write in (and the translation
// beside it), the tour's own settings, adding stops, and a change someone else made.
(function () {
  "use strict";
  const TE = (window.TourEditor = window.TourEditor || {});
  const el = TE.el;

  function languageOptions(withNone) {
    const ed = TE.ed;
    const options = ed.data.languages.map((l) => ({ value: l.code, text: l.name }));
    return withNone ? [{ value: "", text: ed.S.none }].concat(options) : options;
  }

  function rerender() {
    TE.renderTour();
    TE.ed.renderStops();
  }

  TE.renderLanguages = function () {
    const ed = TE.ed;
    const box = document.getElementById("editor-languages");
    box.replaceChildren(
      TE.selectField(ed.S.writing_in, languageOptions(false), ed.writing, (value) => {
        ed.writing = value;
        if (ed.translation === value) { ed.translation = ""; }
        TE.renderLanguages();
        rerender();
      }, { className: "writing-language" }),
      TE.selectField(ed.S.translation, languageOptions(true), ed.translation, (value) => {
        ed.translation = value === ed.writing ? "" : value;
        rerender();
      }, { className: "translation-language" }));
  };

  function coverChoices() {
    const ed = TE.ed;
    const seen = new Set();
    const choices = [];
    ed.stops.forEach((stop) => (stop.media_ids || []).forEach((id) => {
      const item = ed.media.get(id);
      if (item && item.picture && !seen.has(id)) { seen.add(id); choices.push(item); }
    }));
    const current = ed.tour.cover_id && ed.media.get(ed.tour.cover_id);
    if (current && !seen.has(current.id)) { choices.unshift(current); }
    return choices;
  }

  TE.renderTour = function () {
    const ed = TE.ed;
    const S = ed.S;
    const tour = ed.tour;
    if (!tour) { return; }
    const box = document.getElementById("tour-fields");
    const langs = [ed.writing, ed.translation];
    const text = (name, label, multiline, max) => TE.translatedField({
      name: name, label: label, multiline: multiline, rows: 3, maxLength: max, values: tour[name],
      fallback: ed.fallback(), languages: langs, names: ed.names, strings: S,
      input: (lang, value) => {
        ed.change("tour", name, value, lang);
        if (name === "title") { TE.tourSaved(); }
      },
    });
    const cover = coverChoices();
    const coverPicture = el("img", { className: "cover-preview", alt: "", width: "96", height: "64" });
    const showCover = () => {
      const item = ed.media.get(ed.tour.cover_id);
      coverPicture.hidden = !(item && item.thumb);
      if (item && item.thumb) { coverPicture.src = item.thumb; }
    };
    const coverField = TE.selectField(S.cover, [{ value: "", text: S.no_cover }].concat(
      cover.map((item) => ({ value: item.id, text: item.caption || item.name }))), tour.cover_id || "",
    (value) => { ed.change("tour", "cover_id", value ? Number(value) : null, null, 0); showCover(); },
    { className: "tour-cover", "aria-describedby": "cover-hint" });
    coverField.append(el("p", { className: "hint", id: "cover-hint", text: S.cover_hint }), coverPicture);
    showCover();

    const themeId = TE.uid("theme");
    const theme = el("input", { id: themeId, value: tour.theme || "", maxlength: "40", dir: "auto",
      className: "tour-theme" });
    theme.addEventListener("input", () => { if (theme.value.trim()) { ed.change("tour", "theme", theme.value.trim()); } });

    const chosen = tour.languages && tour.languages.length ? tour.languages.slice() : [ed.fallback()];
    const setLanguages = (next) => { ed.change("tour", "languages", next, null, 0); rerender(); };
    const checks = ed.data.languages.map((l) => {
      const id = TE.uid("lang");
      const box2 = el("input", { type: "checkbox", id: id, value: l.code, checked: chosen.includes(l.code) });
      box2.addEventListener("change", () => {
        let next = chosen.filter((c) => c !== l.code);
        if (box2.checked) { next.push(l.code); }
        if (!next.length) { box2.checked = true; return; }
        setLanguages(next);
      });
      return el("label", { for: id, className: "check" }, [box2, " ", el("span", { lang: l.code, text: l.name })]);
    });
    const fallback = TE.selectField(S.fallback, chosen.map((c) => ({ value: c, text: ed.names[c] || c })),
      chosen[0], (value) => setLanguages([value].concat(chosen.filter((c) => c !== value))),
      { className: "tour-fallback", "aria-describedby": "fallback-hint" });
    fallback.append(el("p", { className: "hint", id: "fallback-hint", text: S.fallback_hint }));

    const visibility = TE.selectField(S.visibility, Object.keys(S.visibilities).map((v) => ({
      value: v, text: S.visibilities[v] })), tour.visibility, (value, select) => {
      changeVisibility(value, select);
    }, { className: "tour-visibility" });

    box.replaceChildren(
      text("title", S.title, false, 200),
      text("summary", S.summary, true, 5000),
      coverField,
      el("div", { className: "field" }, [el("label", { for: themeId, text: S.theme }), theme]),
      el("fieldset", { className: "tour-languages" }, [el("legend", { text: S.languages }),
        el("div", { className: "checks" }, checks)]),
      fallback,
      visibility,
    );
  };

  // Publishing runs the server's checks: a refusal says why and the choice goes back.
  async function changeVisibility(value, select) {
    const ed = TE.ed;
    await ed.saver.flush("tour");
    const body = { visibility: value };
    if (ed.tour.version !== undefined) { body.version = ed.tour.version; }
    try {
      ed.tour = Object.assign(ed.tour, await TE.api("PATCH", ed.data.urls.tour, body));
      ed.saver.report();
    } catch (error) {
      select.value = ed.tour.visibility;
      ed.saver.hooks.status("refused", TE.errorMessage(error));
    }
  }

  // The heading follows the tour's title.
  TE.tourSaved = function () {
    const ed = TE.ed;
    document.getElementById("editor-heading").textContent = ed.text(ed.tour.title, ed.fallback());
  };

  // ---- adding stops ----
  TE.renderAdd = function () {
    const ed = TE.ed;
    const S = ed.S;
    const box = document.getElementById("add-stop");
    const heading = document.getElementById("add-stop-heading");
    heading.tabIndex = -1;

    const siteId = TE.uid("site");
    const siteSelect = el("select", { id: siteId, className: "add-site" }, ed.data.sites.map((site) =>
      el("option", { value: String(site.id), text: site.name })));
    const fromSite = ed.data.sites.length ? el("div", { className: "add-from-site" }, [
      el("label", { for: siteId, text: S.from_site }),
      el("span", { className: "inline-controls" }, [siteSelect, el("button", { type: "button",
        className: "button", text: S.add, on: { click: () => ed.addStop({ site_id: Number(siteSelect.value) }) } })]),
    ]) : el("p", { className: "hint", text: S.no_sites });

    const picks = ed.data.media.filter((item) => item.ready).map((item) => {
      const id = TE.uid("pick");
      return el("li", {}, [el("input", { type: "checkbox", id: id, value: String(item.id), className: "pick-media" }),
        el("label", { for: id }, [
          item.thumb ? el("img", { src: item.thumb, alt: "", width: "96", height: "72", loading: "lazy" }) : null,
          el("bdi", { text: item.caption || item.name })])]);
    });
    const pickList = el("ul", { className: "media-picks" }, picks);
    const fromLibrary = picks.length ? el("details", { className: "add-from-library" }, [
      el("summary", { text: S.from_library }), pickList,
      el("button", { type: "button", className: "button", text: S.add_with_items, on: { click: () => {
        const ids = Array.from(pickList.querySelectorAll("input:checked")).map((box2) => Number(box2.value));
        if (!ids.length) { return; }
        const body = { media_ids: ids };
        const placed = ids.map((id) => ed.media.get(id)).find((item) => item.lat !== null && item.lat !== undefined);
        if (placed) { body.lat = placed.lat; body.lon = placed.lon; }
        pickList.querySelectorAll("input:checked").forEach((box2) => { box2.checked = false; });
        ed.addStop(body);
      } } }),
    ]) : el("p", { className: "hint", text: S.no_library });

    const fromMap = el("button", { type: "button", className: "button add-from-map", text: S.from_map,
      on: { click: () => ed.setPlacing(ed.placing === "new" ? null : "new") } });
    box.replaceChildren(heading, fromSite, fromLibrary, el("p", {}, [fromMap]));
  };

  // ---- someone else changed it meanwhile (409 with the current version) ----
  TE.showConflict = function (key, sent, error) {
    const ed = TE.ed;
    const S = ed.S;
    const dialog = document.getElementById("conflict-dialog");
    const current = error.body.current;
    const rows = [];
    Object.keys(sent).forEach((field) => {
      const mine = sent[field];
      const theirs = current[field];
      const pairs = mine && typeof mine === "object" && !Array.isArray(mine)
        ? Object.keys(mine).map((lang) => [field + " · " + (ed.names[lang] || lang), (theirs || {})[lang] || "", mine[lang], lang])
        : [[field, theirs, mine, ""]];
      pairs.forEach(([label, their, my, lang]) => rows.push(el("div", { className: "conflict-row" }, [
        el("h3", { text: S[field] || label }),
        el("div", { className: "conflict-pair" }, [
          el("div", {}, [el("p", { className: "conflict-who", text: S.theirs }),
            el("p", { className: "conflict-text theirs", lang: lang || null, dir: "auto", text: fmt(their) })]),
          el("div", {}, [el("p", { className: "conflict-who", text: S.yours }),
            el("p", { className: "conflict-text yours", lang: lang || null, dir: "auto", text: fmt(my) })]),
        ])])));
    });
    const close = () => { if (dialog.open) { dialog.close(); } };
    dialog.replaceChildren(
      el("h2", { id: "conflict-heading", text: S.conflict }),
      el("p", { text: S.conflict_intro }),
      ...rows,
      el("p", { className: "conflict-actions" }, [
        el("button", { type: "button", className: "button reload-theirs", text: S.reload_theirs, on: { click: () => {
          ed.saver.drop(key);
          ed.saver.entry(key).failure = null;
          replaceEntity(key, current);
          close();
          ed.saver.report();
        } } }),
        el("button", { type: "button", className: "button primary keep-mine", text: S.keep_mine, on: { click: () => {
          const mine = ed.entity(key);
          mine.version = current.version;
          ed.saver.entry(key).failure = null;
          close();
          ed.saver.flush(key);
        } } }),
      ]));
    if (!dialog.open) { dialog.showModal(); }
  };

  function fmt(value) {
    if (value === null || value === undefined) { return "—"; }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function replaceEntity(key, current) {
    const ed = TE.ed;
    if (key === "tour") { ed.tour = current; TE.tourSaved(); TE.renderTour(); return; }
    const i = ed.stops.findIndex((stop) => stop.id === current.id);
    if (i >= 0) { ed.stops[i] = current; }
    ed.renderStops();
  }
})();
