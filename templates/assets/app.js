/* Advocacy with ASEAN: quizzes and the progress record for the offline course site.
   A classic script with no dependencies: it must work from file:// (no fetch, modules or workers),
   on old Android browsers, and leave every page readable when it does not run at all. */
(function () {
  "use strict";
  var KEY = "advocacy-with-asean:progress";
  var doc = document, body = doc.body;
  var S = {};
  try { S = JSON.parse(doc.getElementById("ui-strings").textContent); } catch (e) { S = {}; }
  doc.documentElement.className += " js";

  function t(name, values) {
    var s = S[name] || name;
    Object.keys(values || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(values[k])); });
    return s;
  }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  // Words from the interface (ui-strings) shown inside a lesson that may still be in English: mark them
  // with the page's language, so that screen readers read them right (WCAG 3.1.2).
  function ui(tag, cls, name, values) {
    var e = el(tag, cls, t(name, values));
    e.lang = doc.documentElement.lang;
    return e;
  }
  function today() { return new Date().toISOString().slice(0, 10); }
  // What the launch page of a SCORM package (courseware/lms.py) hears from the quizzes: each pick and each
  // "Try again" (watch), and how it puts back the picks it kept for the learner (pick).
  var watchers = [], pickers = [];
  function tell(event) { watchers.forEach(function (w) { w(event); }); }

  // Phones: the course menu folds behind the Menu button (base.html; style.css shows it below 40 em only).
  // Escape closes it and puts focus back on the button; nothing traps focus.
  var menu = doc.getElementById("menu-button"), nav = doc.getElementById("site-nav"), open;
  function fold(o) {
    open = o;
    menu.setAttribute("aria-expanded", o);
    nav.classList.toggle("folded", !o);
  }
  if (menu) {  // base.html: the button and the menu it folds
    fold(false);
    menu.hidden = false;
    menu.onclick = function () { fold(!open); };
    doc.addEventListener("keydown", function (e) {
      if (open && /^Esc/.test(e.key)) { fold(false); menu.focus(); }  // "Esc": old Edge and Firefox
    });
  }

  // Progress record, kept in localStorage (which works under file:// in Chromium and Firefox).
  function load() {
    var d = null;
    try { d = JSON.parse(window.localStorage.getItem(KEY)); } catch (e) { d = null; }
    d = d && typeof d === "object" ? d : {};
    d.visited = d.visited || {};
    d.quizzes = d.quizzes || {};
    return d;
  }
  function save(d) {
    try { window.localStorage.setItem(KEY, JSON.stringify(d)); } catch (e) { /* private mode or storage off */ }
  }

  var lessons = doc.querySelectorAll("article.lesson[data-lesson]");
  if (lessons.length === 1 && body.getAttribute("data-kind") === "lesson") {
    var rec = load(), key = lessons[0].getAttribute("data-lesson");
    rec.visited[key] = rec.visited[key] || today();
    var h1 = doc.querySelector("h1");
    rec.last = { key: key, url: body.getAttribute("data-page"), title: h1.textContent, lang: h1.lang || "" };
    save(rec);
  }

  // Mark the lessons already opened in lesson lists; offer to continue on the home page.
  (function () {
    var rec = load();
    each(doc.querySelectorAll(".lesson-list li[data-lesson]"), function (li) {
      if (rec.visited[li.getAttribute("data-lesson")]) {
        li.classList.add("opened");
        var mark = el("span", "opened-mark", " ✓ ");
        mark.appendChild(ui("span", "", "opened"));
        li.appendChild(mark);
      }
    });
    var resume = doc.getElementById("resume");
    if (resume && rec.last && rec.last.url) {
      var root = rootPrefix();
      resume.appendChild(doc.createTextNode(t("continue") + " "));
      var a = el("a", "", rec.last.title);
      a.href = root + rec.last.url;
      if (rec.last.lang) { a.lang = rec.last.lang; }  // a lesson title still in English on a translated site
      resume.appendChild(a);
      resume.hidden = false;
    }
  }());

  function rootPrefix() {  // from this page back to the site root, e.g. "../"
    var depth = (body.getAttribute("data-page") || "").split("/").length - 1;
    var p = "";
    for (var i = 0; i < depth; i += 1) { p += "../"; }
    return p;
  }

  // Quizzes: each choice becomes a button with feedback; a score, and a retry once all are answered.
  each(doc.querySelectorAll("section.quiz"), function (quiz, qi) {
    var dataEl = quiz.querySelector("script.quiz-data");
    var bodyEl = quiz.querySelector(".block-body");
    if (!dataEl || !bodyEl) { return; }
    var answers;
    try { answers = JSON.parse(dataEl.textContent); } catch (e) { return; }
    var article = quiz.closest ? quiz.closest("article.lesson[data-lesson]") : null;
    var quizKey = article ? article.getAttribute("data-lesson") + "#" + qi : null;
    var score = el("p", "quiz-score");
    score.lang = doc.documentElement.lang;
    score.setAttribute("aria-live", "polite");
    var retry = ui("button", "quiz-retry", "retry");
    retry.type = "button";
    retry.hidden = true;
    var state = [];  // per question: the choices picked, whether it is finished, and whether it was right
    var choiceButtons = [];
    pickers[qi] = function (i, j) { if (choiceButtons[i] && choiceButtons[i][j]) { choiceButtons[i][j].click(); } };
    each(quiz.querySelectorAll(".quiz-question"), function (q, i) {
      var choices = answers[i] || [];
      var needed = choices.filter(function (c) { return c.correct; }).length;  // "choose all that apply": several
      var feedback = el("div", "quiz-feedback");
      feedback.setAttribute("aria-live", "polite");
      feedback.id = "quiz-" + qi + "-" + i + "-feedback";
      q.appendChild(feedback);
      var buttons = choiceButtons[i] = [], items = [];
      state[i] = { picks: [], done: false, right: false };
      each(q.querySelectorAll(".quiz-choice"), function (li, j) {
        var button = el("button", "choice");
        button.type = "button";
        button.setAttribute("aria-pressed", "false");
        var label = el("span", "choice-text");  // one flex item, so the words wrap as one paragraph
        while (li.firstChild) { label.appendChild(li.firstChild); }
        button.appendChild(label);
        // A link inside a button cannot be used and confuses screen readers: keep its words only.
        each(button.querySelectorAll("a"), function (a) {
          while (a.firstChild) { a.parentNode.insertBefore(a.firstChild, a); }
          a.parentNode.removeChild(a);
        });
        li.appendChild(button);
        buttons.push(button);
        items.push(li);
        button.addEventListener("click", function () {
          var s = state[i], a = choices[j];
          if (s.done || !a || s.picks.indexOf(j) >= 0) { return; }
          s.picks.push(j);
          li.classList.add(a.correct ? "picked-right" : "picked-wrong");
          button.setAttribute("aria-pressed", "true");
          button.setAttribute("aria-describedby", feedback.id);
          if (needed < 2) { feedback.textContent = ""; }
          feedback.appendChild(feedbackLine(a));
          var found = s.picks.filter(function (k) { return choices[k].correct; }).length;
          // One right answer: the first pick settles it. Several: the question ends when all are found,
          // and counts as right only if no wrong choice was picked on the way.
          if (needed < 2 || found === needed) {
            s.done = true;
            s.right = needed < 2 ? !!a.correct : found === s.picks.length;
            buttons.forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
            if (!s.right && needed < 2) {  // a wrong pick: show which answer is right, and why
              choices.forEach(function (c, k) {
                if (!c.correct || !items[k]) { return; }
                items[k].classList.add("reveal-right");
                var tag = el("span", "reveal-mark", "✓ ");
                tag.appendChild(ui("span", "", "correct"));
                (buttons[k].querySelector(".choice-text") || buttons[k]).appendChild(tag);
                feedback.appendChild(feedbackLine(c));
              });
            }
          }
          update();
          tell({ type: "pick", quiz: qi, question: i, choice: j, done: s.done, right: s.right });
        });
      });
    });
    // One line of feedback: the mark, "Correct." or "Not quite." (for screen readers only when the authors'
    // feedback, which often opens with "Yes" or "No", follows), then that feedback.
    function feedbackLine(c) {
      var line = el("p", c.correct ? "right" : "wrong");
      var mark = el("strong", "", c.correct ? "✓ " : "✗ ");
      mark.appendChild(ui("span", c.feedback ? "visually-hidden" : "", c.correct ? "correct" : "wrong"));
      line.appendChild(mark);
      line.appendChild(doc.createTextNode(" " + (c.feedback || "")));
      return line;
    }
    bodyEl.appendChild(score);
    bodyEl.appendChild(retry);
    function update() {
      var done = 0, right = 0;
      state.forEach(function (s) { if (s.done) { done += 1; if (s.right) { right += 1; } } });
      score.textContent = t("score", { right: right, total: answers.length });
      if (done === answers.length) {
        retry.hidden = false;
        if (quizKey) {
          var d = load();
          d.quizzes[quizKey] = { right: right, total: answers.length, date: today() };
          save(d);
        }
      }
    }
    retry.addEventListener("click", function () {
      state.forEach(function (s) { s.picks = []; s.done = false; s.right = false; });
      each(quiz.querySelectorAll(".quiz-choice"), function (li) { li.classList.remove("picked-right", "picked-wrong", "reveal-right"); });
      each(quiz.querySelectorAll(".reveal-mark"), function (m) { m.parentNode.removeChild(m); });
      each(quiz.querySelectorAll("button.choice"), function (b) {
        b.setAttribute("aria-pressed", "false");
        b.removeAttribute("aria-disabled");
        b.removeAttribute("aria-describedby");
      });
      each(quiz.querySelectorAll(".quiz-question > .quiz-feedback"), function (f) { f.textContent = ""; });
      score.textContent = "";
      retry.hidden = true;
      var first = quiz.querySelector("button.choice");
      if (first) { first.focus(); }
      tell({ type: "retry", quiz: qi });
    });
  });

  // What the progress page (progress.js, loaded there only, to keep lesson pages light) needs from here.
  window.awaCourse = { t: t, el: el, each: each, load: load, save: save, today: today,
    watch: function (fn) { watchers.push(fn); },
    pick: function (quiz, question, choice) { if (pickers[quiz]) { pickers[quiz](question, choice); } } };
  // In a SCORM package (courseware/lms.py) the page is shown in a frame of the launch page, which puts earlier
  // answers back and listens from here on: hand it the page now, before the learner can pick anything.
  try {
    if (window.parent !== window && window.parent.awaScorm) { window.parent.awaScorm(window.awaCourse, doc); }
  } catch (e) { /* framed by a page of another site: nothing to hand */ }
}());
