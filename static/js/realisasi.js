/* e-Kinerja NTB — monthly realisations.
 *
 * Kinerja saya: the achievement as the user types (domain.md §3.1 and §3.2), so that a red value
 * (score below 80%) asks for its reason (faktor penghambat) and follow-up (tindak lanjut) at once.
 * The figures come from data- attributes the server renders on each form: polarity, aggregation,
 * the target (and upper bound of a range) at this month, the sum, count and last of the earlier
 * counted values, the cap and the thresholds. The server stays the authority: it refuses to submit
 * a red value without reason and follow-up, and the page works the same without this file.
 *
 * Persetujuan: a "Pilih semua" box for the rows' checkboxes.
 */
(function () {
  "use strict";

  /* A number as people type it: "12.5", "12,5", "1.234,5"; null when empty, NaN when not a number
     (the same reading as services.parse_value). */
  function parseValue(text) {
    text = (text || "").replace(/\s+/g, "");
    if (text === "") { return null; }
    if (text.indexOf(",") >= 0) { text = text.replace(/\./g, "").replace(",", "."); }
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) { return NaN; }
    return parseFloat(text);
  }

  function attr(value) {
    return value === undefined || value === "" ? null : parseFloat(value);
  }

  function ratioMax(r, t) { return t === 0 ? (r >= 0 ? 1 : 0) : r / t; }
  function ratioMin(r, t) { return t === 0 ? (r <= 0 ? 1 : 0) : 2 - r / t; }

  /* A by polarity, with or without a target range [lo, hi] (domain.md §3.1). */
  function achievement(polarity, r, lo, hi) {
    if (hi === null) { return polarity === "min" ? ratioMin(r, lo) : ratioMax(r, lo); }
    if (r >= lo && r <= hi) { return 1; }
    if (r < lo) { return polarity === "min" ? ratioMin(r, lo) : ratioMax(r, lo); }
    return polarity === "max" ? ratioMax(r, hi) : ratioMin(r, hi);
  }

  /* R at this month from this month's value and the earlier ones (domain.md §3.2). */
  function yearToDate(aggregation, value, sum, count) {
    if (aggregation === "sum") { return sum + value; }
    if (aggregation === "average") { return (sum + value) / (count + 1); }
    return value;  // last: this month's value is the latest
  }

  function percent(fraction) {
    return (Math.round(fraction * 10000) / 100).toFixed(2).replace(".", ",") + "%";
  }

  var COLOUR_WORDS = { green: "hijau", yellow: "kuning", red: "merah" };

  function update(form, input, hint) {
    var d = form.dataset;
    var value = parseValue(input.value);
    var red = false, colour = null, text = "";
    if (value !== null && isNaN(value)) {
      text = "Nilai harus berupa angka, misalnya 12,5.";
    } else if (value !== null) {
      var r = yearToDate(d.aggregation, value, attr(d.earlierSum) || 0, attr(d.earlierCount) || 0);
      var a = achievement(d.polarity, r, attr(d.target), attr(d.targetHigh));
      var s = Math.min(Math.max(a, 0), attr(d.cap));
      s = Math.round(s * 1e8) / 1e8;  // 0.8 stays 0.8, not 0.79999…
      colour = s >= attr(d.green) ? "green" : s >= attr(d.yellow) ? "yellow" : "red";
      red = colour === "red";
      text = "Perkiraan nilai capaian s.d. bulan ini: " + percent(s) + " (" + COLOUR_WORDS[colour] + ")." +
        (red ? " Di bawah 80%: faktor penghambat dan tindak lanjut wajib diisi sebelum diajukan." : "");
    }
    hint.textContent = text;
    hint.className = "hint" + (colour ? " hint-" + colour : "");
    form.closest(".entry").classList.toggle("is-red", red);
    form.querySelectorAll("[data-red-required]").forEach(function (el) {
      el.setAttribute("aria-required", red ? "true" : "false");
    });
    form.querySelectorAll("[data-req]").forEach(function (el) { el.hidden = !red; });
  }

  document.querySelectorAll("form[data-polarity]").forEach(function (form) {
    var input = form.querySelector("[data-value]");
    var hint = form.querySelector("[data-hint]");
    if (!input || !hint) { return; }
    input.addEventListener("input", function () { update(form, input, hint); });
  });

  /* Persetujuan: tick or untick every row at once. */
  var all = document.querySelector("[data-pick-all]");
  if (all) {
    var boxes = document.querySelectorAll("[data-pick]");
    all.closest("label").hidden = boxes.length === 0;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  }
}());
