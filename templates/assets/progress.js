/* Advocacy with ASEAN: the progress page. Fills the tables from the record app.js keeps, keeps the
   trainee's name, prints a summary or saves a small text file to show a facilitator. Loaded on the progress
   page only, after app.js. */
(function () {
  "use strict";
  var A = window.awaCourse;
  var doc = document, body = doc.body;
  var summary = doc.getElementById("progress-summary");
  if (!A || !summary) { return; }
  var t = A.t, el = A.el, each = A.each, load = A.load, save = A.save, today = A.today;
  // A message's plural forms (a list, in the catalog's order) and the catalog's rule (a C expression of n,
  // written by the build from the catalog itself) that picks the one a number takes.
  function plural(name, n) {
    var forms = t(name), index = n === 1 ? 0 : 1;
    forms = typeof forms === "string" ? [forms] : forms;
    try { index = +new Function("n", "return (" + t("plural") + ");")(n); } catch (e) { /* keep English's rule */ }
    return forms[Math.min(index, forms.length - 1)].split("{n}").join(String(n));
  }
  function scores(rec, key) {
    var right = 0, total = 0;
    Object.keys(rec.quizzes).forEach(function (k) {
      if (k.split("#")[0] === key) { right += rec.quizzes[k].right; total += rec.quizzes[k].total; }
    });
    return total ? right + " / " + total : "";
  }

  // A name in any script (Burmese, Khmer, Thai...) stays in the file name: only whitespace, invisible and
  // control characters, and the characters Windows, macOS or Android refuse in a file name become "-".
  // No \p{..} escapes: old Android browsers cannot parse them, and the whole script would stop.
  function fileNamePart(name) {
    var s = name.normalize ? name.normalize("NFC") : name;
    s = s.toLowerCase()
      .replace(/[\s\u200b\u2060\ufeff\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\\/:*?"<>|]+/g, "-")
      .replace(/-+/g, "-").replace(/^-|-$/g, "");
    if (s.length > 60) { s = s.slice(0, 60).replace(/[\ud800-\udbff]$/, "").replace(/-$/, ""); }
    return s;
  }

  function progressPage(summary) {
    var rec = load();
    var opened = 0;
    each(doc.querySelectorAll(".progress-table tr[data-lesson]"), function (row) {
      var key = row.getAttribute("data-lesson");
      if (rec.visited[key]) { opened += 1; row.classList.add("opened"); row.querySelector(".visited").textContent = rec.visited[key]; }
      var s = scores(rec, key);
      if (s) { row.querySelector(".score").textContent = s; }
    });
    summary.textContent = "";
    summary.appendChild(el("p", "progress-count", t("summary", { opened: opened }) + " " +
      plural("quizzes", Object.keys(rec.quizzes).length)));
    doc.getElementById("progress-date").textContent = t("date") + ": " + today();
    var name = doc.getElementById("progress-name");
    name.value = rec.name || "";
    name.addEventListener("input", function () { var d = load(); d.name = name.value; save(d); });
    doc.getElementById("progress-print").addEventListener("click", function () { window.print(); });
    doc.getElementById("progress-reset").addEventListener("click", function () {
      if (window.confirm(t("confirm"))) { save({ visited: {}, quizzes: {}, name: load().name }); window.location.reload(); }
    });
    doc.getElementById("progress-export").addEventListener("click", function () {
      var d = load();
      var title = (doc.querySelector(".site-title") || {}).textContent || "";
      var lines = [t("record") + ": " + title, t("name") + ": " + (d.name || ""), t("date") + ": " + today(),
        summary.textContent, ""];
      each(doc.querySelectorAll(".progress-table"), function (table) {
        var rows = [];
        each(table.querySelectorAll("tr[data-lesson]"), function (row) {
          var key = row.getAttribute("data-lesson");
          if (!d.visited[key] && !scores(d, key)) { return; }
          rows.push("  [" + (d.visited[key] ? "x" : " ") + "] " + row.querySelector("th").textContent.trim() +
            (d.visited[key] ? " · " + t("opened") + " " + d.visited[key] : "") +
            (scores(d, key) ? " · " + t("quiz") + " " + scores(d, key) : ""));
        });
        if (rows.length) { lines.push(table.querySelector("caption").textContent.trim()); lines = lines.concat(rows, [""]); }
      });
      if (lines.length === 5) { lines.push(t("none")); }
      var slug = fileNamePart(d.name || "");
      var file = "learning-record" + (slug ? "-" + slug : "") + "-" + today() + ".txt";
      var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/plain;charset=utf-8" });
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = file;
      body.appendChild(a);
      a.click();
      body.removeChild(a);
      doc.getElementById("progress-status").textContent = t("saved", { file: file });
    });
  }


  progressPage(summary);
}());
