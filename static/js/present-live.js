/* Follow-along in the audience window: sends the stop the room sees to the server (phones
 * follow it) and shows the room's QR code and code on the title slide (#present-live-qr).
 * The presenter view starts the session and leaves its code in localStorage
 * ("tourbuilder-live"); docs/presenting-live.md.
 */
(function () {
  "use strict";
  var source = document.getElementById("live-data");
  var slot = document.getElementById("present-live-qr");
  if (!source || !slot) return;
  var live = JSON.parse(source.textContent);
  var KEY = "tourbuilder-live";
  var session = null;
  var latest = null;   // the newest position to send
  var sending = false; // one request at a time, so a fast clicker never reorders them

  function read() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  function showQr() {
    slot.replaceChildren();
    slot.classList.toggle("present-live-qr", !!session);
    if (slot.parentElement) slot.parentElement.classList.toggle("is-live", !!session);
    if (!session) return;
    var img = document.createElement("img");
    img.src = session.qr;
    img.alt = live.labels.qr;
    img.width = 240;
    img.height = 240;
    var code = document.createElement("p");
    code.className = "live-code";
    code.textContent = session.code;
    var url = document.createElement("p");
    url.className = "present-url";
    url.dir = "ltr";
    url.textContent = session.join_url;
    slot.append(img, code, url);
  }

  function flush() {
    if (sending || !session || !latest) return;
    var position = latest;
    latest = null;
    sending = true;
    fetch(live.api + session.code + "/state", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": live.csrf },
      body: JSON.stringify({ stop: position.stop, step: position.step || 0, slug: live.slug })
    }).then(function (response) {
      if (response.status === 404) { session = null; showQr(); }
    }).catch(function () {
      latest = latest || position; // the network hiccuped: try again with the next change
    }).then(function () { sending = false; flush(); });
  }

  function send(position) {
    latest = { stop: position.stop, step: position.step };
    flush();
  }

  function pick() {
    var found = read();
    var changed = (found && found.code) !== (session && session.code);
    session = found && found.code ? found : null;
    showQr();
    if (changed && session && window.tourbuilderPresent) send(window.tourbuilderPresent);
  }

  document.addEventListener("tb:present-state", function (event) { send(event.detail); });
  window.addEventListener("storage", function (event) { if (event.key === KEY) pick(); });
  pick();
}());
