// The tour editor's link to the server: JSON requests with the session's CSRF token, and
// autosave that never loses what people typed. Pending changes stay in memory and in
// localStorage until the server has them; a failed save keeps them and tries again.
(function () {
  "use strict";
  const TE = (window.TourEditor = window.TourEditor || {});

  // "Stop {number}" with its placeholders filled; the result is only ever set as text.
  TE.fill = function (pattern, values) {
    return String(pattern).replace(/\{(\w+)\}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole);
  };

  // A DOM element: attributes, properties (text, className, hidden...), listeners, children.
  TE.el = function (tag, options, children) {
    const node = document.createElement(tag);
    const opts = options || {};
    Object.keys(opts).forEach((name) => {
      const value = opts[name];
      if (value === undefined || value === null || value === false) { return; }
      if (name === "text") { node.textContent = value; }
      else if (name === "className") { node.className = value; }
      else if (name === "on") {
        Object.keys(value).forEach((event) => node.addEventListener(event, value[event]));
      } else if (name === "dataset") { Object.assign(node.dataset, value); }
      else if (name === "value" || name === "checked" || name === "selected") { node[name] = value; }
      else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach((child) => {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child);
      }
    });
    return node;
  };

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || "HTTP " + status);
      this.status = status;  // 0: no answer (offline)
      this.body = body || {};
    }
  }
  TE.ApiError = ApiError;

  TE.api = async function (method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (method !== "GET") { headers["X-CSRFToken"] = TE.csrf; }
    let response;
    try {
      response = await fetch(url, {
        method: method, headers: headers, credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, null);
    }
    if (response.status === 204) { return null; }
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (!response.ok) { throw new ApiError(response.status, data); }
    return data;
  };

  // The first field message of an API error, else its message.
  TE.errorMessage = function (error) {
    const errors = error.body && error.body.errors;
    if (errors) {
      for (const place of Object.values(errors)) {
        for (const messages of Object.values(place)) {
          if (Array.isArray(messages) && messages.length) { return String(messages[0]); }
        }
      }
    }
    return error.message;
  };

  function mergePatch(into, patch) {
    Object.keys(patch).forEach((field) => {
      const value = patch[field];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        into[field] = Object.assign({}, value, into[field] || {});
      } else if (!(field in into)) {
        into[field] = value;
      }
    });
  }

  const DELAY = 800;
  const RETRIES = [2000, 5000, 10000, 20000, 30000];

  // Saves changes to the tour and its stops, one PATCH per thing at a time.
  // hooks: version(key) -> the version to send (or undefined), saved(key, data),
  // conflict(key, sentPatch, error), status(state, message).
  class Saver {
    constructor(storageKey, hooks) {
      this.storageKey = storageKey;
      this.hooks = hooks;
      this.entries = new Map();
      window.addEventListener("online", () => this.flushAll());
      window.addEventListener("beforeunload", (event) => {
        if (this.unsaved()) { event.preventDefault(); event.returnValue = ""; }
      });
    }

    entry(key, url) {
      if (!this.entries.has(key)) {
        this.entries.set(key, { url: url, patch: {}, sending: null, timer: null,
          tries: 0, failure: null });
      }
      const e = this.entries.get(key);
      if (url) { e.url = url; }
      return e;
    }

    // A change of one field (in one language for translated text).
    set(key, url, field, value, lang, delay) {
      const e = this.entry(key, url);
      if (lang) {
        e.patch[field] = Object.assign({}, e.patch[field] || {});
        e.patch[field][lang] = value;
      } else {
        e.patch[field] = value;
      }
      if (e.failure !== "offline") { e.failure = null; }
      this.persist();
      this.schedule(key, delay === undefined ? DELAY : delay);
    }

    schedule(key, delay) {
      const e = this.entries.get(key);
      clearTimeout(e.timer);
      e.timer = setTimeout(() => this.flush(key), delay);
      this.report();
    }

    pending(key) {
      const e = this.entries.get(key);
      return e ? Object.assign({}, e.sending || {}, e.patch) : {};
    }

    drop(key, fields) {
      const e = this.entries.get(key);
      if (!e) { return; }
      (fields || Object.keys(e.patch)).forEach((field) => delete e.patch[field]);
      if (!Object.keys(e.patch).length) { clearTimeout(e.timer); e.failure = null; }
      this.persist();
      this.report();
    }

    async flush(key) {
      const e = this.entries.get(key);
      if (!e || e.sending || !Object.keys(e.patch).length) { this.report(); return; }
      clearTimeout(e.timer);
      const sent = e.patch;
      e.patch = {};
      e.sending = sent;
      this.report();
      const body = Object.assign({}, sent);
      const version = e.baseVersion !== undefined ? e.baseVersion : this.hooks.version(key);
      e.baseVersion = undefined;
      if (version !== undefined) { body.version = version; }
      try {
        const data = await TE.api("PATCH", e.url, body);
        e.sending = null;
        e.tries = 0;
        e.failure = null;
        this.hooks.saved(key, data);
      } catch (error) {
        e.sending = null;
        mergePatch(e.patch, sent);  // newer typing wins over what failed
        if (error.status === 0 || error.status >= 500) {
          e.failure = "offline";
          const wait = RETRIES[Math.min(e.tries, RETRIES.length - 1)];
          e.tries += 1;
          this.persist();
          clearTimeout(e.timer);
          e.timer = setTimeout(() => this.flush(key), wait);
          this.report();
          return;
        }
        if (error.status === 409 && error.body.current) {
          e.failure = "conflict";
          this.hooks.conflict(key, sent, error);
        } else {
          e.failure = TE.errorMessage(error);
        }
      }
      this.persist();
      if (Object.keys(e.patch).length && !e.failure) { this.schedule(key, 0); }
      this.report();
    }

    flushAll() {
      this.entries.forEach((e, key) => {
        if (e.failure === "offline" || !e.failure) { this.flush(key); }
      });
    }

    unsaved() {
      for (const e of this.entries.values()) {
        if (e.sending || Object.keys(e.patch).length) { return true; }
      }
      return false;
    }

    persist() {
      const kept = {};
      this.entries.forEach((e, key) => {
        const patch = Object.assign({}, e.sending || {});
        Object.keys(e.patch).forEach((field) => {
          const value = e.patch[field];
          patch[field] = value && typeof value === "object" && !Array.isArray(value)
            ? Object.assign({}, patch[field] || {}, value) : value;
        });
        if (Object.keys(patch).length) {
          const version = e.baseVersion !== undefined ? e.baseVersion : this.hooks.version(key);
          kept[key] = { url: e.url, patch: patch, version: version };
        }
      });
      try {
        if (Object.keys(kept).length) {
          localStorage.setItem(this.storageKey, JSON.stringify(kept));
        } else {
          localStorage.removeItem(this.storageKey);
        }
      } catch (error) {
        // storage full or refused: the changes are still in memory and in the fields
      }
    }

    // Changes a previous visit could not save: {key: {url, patch, version}}.
    stored() {
      try { return JSON.parse(localStorage.getItem(this.storageKey) || "{}") || {}; }
      catch (error) { return {}; }
    }

    report() {
      let state = "saved";
      let message = "";
      for (const e of this.entries.values()) {
        if (e.failure && e.failure !== "offline" && e.failure !== "conflict") {
          state = "refused"; message = e.failure; break;
        }
        if (e.failure === "offline") { state = "offline"; }
        else if (state !== "offline" && (e.sending || Object.keys(e.patch).length)) {
          state = "saving";
        }
      }
      if (state === "saved" && this.hooks.busy && this.hooks.busy()) { state = "saving"; }
      this.hooks.status(state, message);
    }
  }
  TE.Saver = Saver;
})();
