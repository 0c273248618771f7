/* Advocacy with ASEAN: the pages that are not lessons, loaded after app.js. On the home page, "Continue where
   you left off" and each module's progress; on the glossary, the way back to the page the reader came from.
   Lesson pages do not load it: every byte a lesson page loads counts against its weight budget. */
(function () {
  "use strict";
  var A = window.awaCourse;
  if (!A) { return; }
  var doc = document, rec = A.load();

  var resume = doc.getElementById("resume");
  if (resume && rec.last && rec.last.url) {
    var depth = (doc.body.getAttribute("data-page") || "").split("/").length - 1, root = "";
    for (var i = 0; i < depth; i += 1) { root += "../"; }
    resume.textContent = "";
    resume.appendChild(A.el("span", "", A.t("continue")));
    var title = A.el("strong", "", rec.last.title);
    if (rec.last.lang) { title.lang = rec.last.lang; }  // a lesson title still in English on a translated site
    resume.appendChild(title);
    resume.href = root + rec.last.url;
    resume.classList.add("continue");
  }

  // Each module card: how many of its lessons are opened, as a bar and in words.
  A.each(doc.querySelectorAll(".card[data-lessons]"), function (card) {
    var keys = card.getAttribute("data-lessons").split(" ");
    var n = keys.filter(function (k) { return rec.visited[k]; }).length;
    var p = card.querySelector(".card-progress");
    if (!p || !n) { return; }
    p.querySelector("progress").value = n;
    var words = p.querySelector("span");
    words.textContent = words.textContent.split("{n}").join(String(n));
    p.hidden = false;
  });

  // The glossary, opened from a term in a lesson: a button back to that place (the browser's own Back, which
  // returns to the same spot in the lesson), past the jumps made inside the glossary since (A-Z, terms).
  var back = doc.getElementById("back"), jumps = 0;
  if (back && window.history.length > 1) {
    back.hidden = false;
    window.addEventListener("hashchange", function () { jumps += 1; });
    back.addEventListener("click", function (e) {
      e.preventDefault();
      window.history.go(-1 - jumps);
    });
  }
}());
