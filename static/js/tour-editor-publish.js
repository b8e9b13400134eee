// The tour editor's publishing panel: the publish check as links to each fix (a stop of
// this page, a tour field, an item of the media library), "Publish changes" and "Discard
// changes" for a published tour; the full publishing page for choosing an audience.
(function () {
  "use strict";
  const TE = (window.TourEditor = window.TourEditor || {});
  const el = TE.el;
  let timer = null;
  let asked = 0;

  function fixUrl(problem) {
    const ed = TE.ed;
    if (problem.media_id) { return ed.data.urls.library + "#item-" + problem.media_id; }
    if (problem.stop_id) { return "#stop-" + problem.stop_id; }
    return "#tour-" + (problem.field || "title");
  }

  // Checked again a moment after the last change was saved.
  TE.checkSoon = function () {
    clearTimeout(timer);
    timer = setTimeout(TE.check, 1200);
  };

  TE.check = async function () {
    const ed = TE.ed;
    const box = document.getElementById("publish-panel");
    if (!box || !ed.data.urls.publish_check) { return; }
    const mine = ++asked;
    let state;
    try {
      state = await TE.api("GET", ed.data.urls.publish_check + "?lang=" + encodeURIComponent(ed.data.interface_language));
    } catch (error) {
      return;  // offline: the panel shows the last check
    }
    if (mine !== asked) { return; }
    if (state.version > (ed.tour.version || 0)) { ed.tour.version = state.version; }
    render(box, state);
  };

  function render(box, state) {
    const S = TE.ed.S;
    const published = state.visibility !== "draft";
    const status = !published ? S.not_published
      : (state.has_unpublished_changes ? S.unpublished_changes : S.same_as_published);
    const problems = state.problems.map((problem) => el("li", { className: "problem",
      dataset: { code: problem.code } }, [el("a", { href: fixUrl(problem), dir: "auto", text: problem.message })]));
    const actions = [];
    if (published && state.has_unpublished_changes) {
      actions.push(el("button", { type: "button", className: "button primary publish-changes",
        text: S.publish_changes, disabled: !state.can_publish,
        on: { click: () => act("publish", { visibility: state.visibility }) } }));
      actions.push(el("button", { type: "button", className: "button discard-changes",
        text: S.discard_changes, on: { click: () => act("discard", {}) } }));
    }
    actions.push(el("a", { href: TE.ed.data.urls.publishing, className: "publishing-page", text: S.publishing }));
    box.replaceChildren(
      el("h2", { id: "publish-heading", text: S.publishing }),
      el("p", { className: "publish-status", text: status }),
      problems.length ? el("div", {}, [el("p", { className: "hint", text: S.before_publishing }),
        el("ul", { className: "problems" }, problems)])
        : el("p", { className: "publish-ok", text: S.nothing_to_fix }),
      el("p", { className: "publish-actions" }, actions));
  }

  async function act(what, body) {
    const ed = TE.ed;
    await ed.saver.flush("tour");
    const sent = Object.assign({ version: ed.tour.version }, body);
    try {
      await ed.inTurn(() => TE.api("POST", ed.data.urls[what], sent));
    } catch (error) {
      ed.saver.hooks.status(error.status ? "refused" : "offline", TE.errorMessage(error));
      TE.check();
      return;
    }
    await ed.reload();
    TE.announce(what === "publish" ? ed.S.published : ed.S.discarded);
    TE.check();
  }

  // "#tour-title" (a fix link of the check): the tour's settings open at that field.
  TE.showTourField = function (field) {
    const details = document.getElementById("tour-settings");
    details.open = true;
    const target = details.querySelector("[data-field='" + field + "'] input, [data-field='" + field + "'] textarea, .tour-" + field);
    const fallback = details.querySelector("input, select, textarea");
    (target || fallback).focus();
  };
})();
