// Form fields of the tour editor: text in the language people write in, its translation
// beside it, each field saying which language it is in (lang, dir="auto").
(function () {
  "use strict";
  const TE = (window.TourEditor = window.TourEditor || {});
  const el = TE.el;
  let counter = 0;

  TE.uid = function (prefix) { counter += 1; return prefix + "-" + counter; };

  // One translated field. spec: {label, multiline, rows, maxLength, values, fallback,
  // languages: [writing, translation?], names: {code: name}, strings, input(lang, value)}
  TE.translatedField = function (spec) {
    const columns = spec.languages.filter(Boolean).map((lang) => {
      const id = TE.uid("f");
      const value = (spec.values || {})[lang] || "";
      const fallbackText = (spec.values || {})[spec.fallback] || "";
      const missing = !value && lang !== spec.fallback && fallbackText;
      const attrs = {
        id: id, lang: lang, dir: "auto", value: value, maxlength: spec.maxLength,
        placeholder: missing ? fallbackText : null, dataset: { lang: lang, field: spec.name },
        "aria-describedby": missing ? id + "-missing" : null,
      };
      if (spec.multiline) { attrs.rows = spec.rows || 4; }
      const input = el(spec.multiline ? "textarea" : "input", attrs);
      const note = missing ? el("p", { className: "hint missing", id: id + "-missing",
        text: TE.fill(spec.strings.missing, { language: spec.names[spec.fallback] || spec.fallback }) })
        : null;
      input.addEventListener("input", () => {
        if (note) { note.hidden = Boolean(input.value); }
        spec.input(lang, input.value, input);
      });
      return el("div", { className: "tfield-column" }, [
        el("label", { for: id }, [
          el("span", { text: spec.label }), " ",
          el("span", { className: "lang-tag", lang: lang, text: spec.names[lang] || lang }),
        ]),
        input, note,
      ]);
    });
    return el("div", { className: "tfield" + (columns.length > 1 ? " side-by-side" : ""),
      dataset: { field: spec.name } }, columns);
  };

  // A labelled select; options: [{value, text}].
  TE.selectField = function (label, options, value, change, extra) {
    const id = TE.uid("s");
    const select = el("select", Object.assign({ id: id }, extra || {}), options.map((o) =>
      el("option", { value: String(o.value), text: o.text, selected: String(o.value) === String(value) })));
    select.addEventListener("change", () => change(select.value, select));
    return el("div", { className: "field" }, [el("label", { for: id, text: label }), select]);
  };

  // Sanitised HTML from the server (the Markdown preview) into ``target``: parsed in an
  // inert document (its scripts never run) and moved over node by node.
  TE.showHtml = function (target, html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    target.replaceChildren(...Array.from(doc.body.childNodes));
  };
})();
