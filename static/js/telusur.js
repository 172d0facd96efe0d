/* e-Kinerja NTB — levels of a cascade opened in place: the governor's office drill-down
 * (templates/review/drill.html) and the cascade tree (templates/bsc/tree.html).
 *
 * A node whose children are not on the page is a closed <details data-children="URL"> holding a
 * .drill-slot. Opening one fetches its children as an HTML fragment (GET /review/telusur/<id>/anak,
 * GET /kinerja/indikator/<id>/pohon/anak) and puts them in the slot, once; they are closed
 * <details> again, so the walk goes on down to the staff. Without this file the summary's link
 * opens the node's own page, and so does the link left in the slot.
 */
(function () {
  "use strict";

  function load(details) {
    var slot = details.querySelector(":scope > .drill-slot");
    if (!slot || details.dataset.state === "loading" || details.dataset.state === "loaded") { return; }
    details.dataset.state = "loading";
    details.setAttribute("aria-busy", "true");
    var fallback = slot.innerHTML;
    var note = document.createElement("p");
    note.className = "node-links muted";
    note.textContent = "Memuat turunan…";
    slot.insertBefore(note, slot.firstChild);
    fetch(details.dataset.children, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        // A redirect (session ended: the login page) or an error is not a fragment.
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        slot.innerHTML = html;
        details.dataset.state = "loaded";
      })
      .catch(function () {
        slot.innerHTML = fallback;
        var error = document.createElement("p");
        error.className = "error";
        error.textContent = "Turunan gagal dimuat. Gunakan tautan di bawah ini untuk membukanya di halaman sendiri.";
        slot.insertBefore(error, slot.firstChild);
        details.dataset.state = "";
      })
      .then(function () { details.removeAttribute("aria-busy"); });
  }

  // "toggle" does not bubble: listen in the capture phase, for the children loaded later as well.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.tagName === "DETAILS" && details.open && details.dataset.children) { load(details); }
  }, true);
}());
