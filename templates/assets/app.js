/* Advocacy with ASEAN: quizzes, progress and search. Classic script: works from file:// with no server. */
(function () {
  "use strict";
  var KEY = "advocacy-with-asean:progress";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)) || { visited: {}, quizzes: {} }; }
    catch (e) { return { visited: {}, quizzes: {} }; }
  }
  function save(data) {
    try { window.localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* storage may be off */ }
  }

  var body = document.body;
  var lessonEl = document.querySelector("article.lesson[data-lesson]");
  if (lessonEl) {
    var data = load();
    data.visited[lessonEl.getAttribute("data-lesson")] = new Date().toISOString().slice(0, 10);
    save(data);
  }

  // Quizzes: turn each choice into a button, give feedback, score and allow a retry.
  Array.prototype.forEach.call(document.querySelectorAll("section.quiz"), function (quiz, qi) {
    var dataEl = quiz.querySelector("script.quiz-data");
    if (!dataEl) { return; }
    var answers = JSON.parse(dataEl.textContent);
    var questions = quiz.querySelectorAll(".quiz-question");
    var picked = [];
    var score = document.createElement("p");
    score.className = "quiz-score";
    score.setAttribute("aria-live", "polite");
    var retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Try again";
    retry.hidden = true;
    Array.prototype.forEach.call(questions, function (q, i) {
      var choices = q.querySelectorAll(".quiz-choice");
      var feedback = document.createElement("p");
      feedback.className = "quiz-feedback";
      feedback.setAttribute("aria-live", "polite");
      q.appendChild(feedback);
      Array.prototype.forEach.call(choices, function (li, j) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "choice";
        while (li.firstChild) { button.appendChild(li.firstChild); }
        li.appendChild(button);
        button.addEventListener("click", function () {
          if (picked[i] !== undefined) { return; }
          picked[i] = j;
          var a = answers[i][j];
          li.classList.add(a.correct ? "picked-right" : "picked-wrong");
          feedback.textContent = (a.correct ? "Correct. " : "Not quite. ") + (a.feedback || "");
          update();
        });
      });
    });
    quiz.querySelector(".block-body").appendChild(score);
    quiz.querySelector(".block-body").appendChild(retry);
    function update() {
      var done = picked.filter(function (x) { return x !== undefined; }).length;
      var right = picked.filter(function (x, i) { return x !== undefined && answers[i][x].correct; }).length;
      score.textContent = "Score: " + right + " of " + answers.length;
      if (done === answers.length) {
        retry.hidden = false;
        if (lessonEl) {
          var d = load();
          d.quizzes[lessonEl.getAttribute("data-lesson") + "#" + qi] = { right: right, total: answers.length };
          save(d);
        }
      }
    }
    retry.addEventListener("click", function () {
      picked = [];
      Array.prototype.forEach.call(quiz.querySelectorAll(".quiz-choice"), function (li) {
        li.classList.remove("picked-right", "picked-wrong");
      });
      Array.prototype.forEach.call(quiz.querySelectorAll(".quiz-question > .quiz-feedback"), function (f) { f.textContent = ""; });
      score.textContent = "";
      retry.hidden = true;
    });
  });

  // Progress page.
  var summary = document.getElementById("progress-summary");
  if (summary) {
    var p = load();
    var rows = document.querySelectorAll(".progress-table tr[data-lesson]");
    var visited = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var key = row.getAttribute("data-lesson");
      if (p.visited[key]) { visited += 1; row.querySelector(".visited").textContent = p.visited[key]; }
      var right = 0, total = 0;
      Object.keys(p.quizzes).forEach(function (k) {
        if (k.split("#")[0] === key) { right += p.quizzes[k].right; total += p.quizzes[k].total; }
      });
      if (total) { row.querySelector(".score").textContent = right + " / " + total; }
    });
    summary.textContent = "You have opened " + visited + " of " + summary.getAttribute("data-lessons") + " lessons.";
    document.getElementById("progress-print").addEventListener("click", function () { window.print(); });
    document.getElementById("progress-reset").addEventListener("click", function () {
      if (window.confirm("Clear your record on this device?")) { save({ visited: {}, quizzes: {} }); window.location.reload(); }
    });
    document.getElementById("progress-export").addEventListener("click", function () {
      var blob = new Blob([JSON.stringify(load(), null, 2)], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "my-progress.json";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  // Search page: the index is a classic script that sets window.SEARCH_INDEX.
  var results = document.getElementById("search-results");
  if (results && window.SEARCH_INDEX) {
    var params = new URLSearchParams(window.location.search);
    var q = (params.get("q") || "").trim();
    var input = document.getElementById("search-page-q");
    if (input) { input.value = q; }
    if (q) { showResults(q); }
  }
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function showResults(q) {
    var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    var hits = [];
    window.SEARCH_INDEX.pages.forEach(function (page) {
      var text = page.text.toLowerCase();
      var score = 0;
      terms.forEach(function (t) { var n = text.split(t).length - 1; score += n + (page.title.toLowerCase().indexOf(t) >= 0 ? 10 : 0); });
      if (terms.every(function (t) { return text.indexOf(t) >= 0 || page.title.toLowerCase().indexOf(t) >= 0; })) { hits.push({ page: page, score: score }); }
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    var root = body.getAttribute("data-root") || "";
    var html = "<p>" + hits.length + " result" + (hits.length === 1 ? "" : "s") + " for <strong>" + esc(q) + "</strong></p><ol>";
    hits.forEach(function (h) {
      var text = h.page.text, at = text.toLowerCase().indexOf(terms[0]);
      var start = Math.max(0, at - 60), snippet = esc(text.slice(start, start + 200));
      terms.forEach(function (t) { snippet = snippet.replace(new RegExp("(" + t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "ig"), "<mark>$1</mark>"); });
      html += '<li class="search-result"><a href="' + esc(h.page.url) + '">' + esc(h.page.title) + "</a><p>" + (start ? "… " : "") + snippet + " …</p></li>";
    });
    results.innerHTML = html + "</ol>";
  }
}());
