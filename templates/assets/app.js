/* Advocacy with ASEAN: the menu, quizzes and the progress record for the offline course site.
   A classic script with no dependencies: it must work from file:// (no fetch, modules or workers),
   on old Android browsers, and leave every page readable when it does not run at all. */
(function () {
  "use strict";
  var KEY = "advocacy-with-asean:progress";
  var doc = document, body = doc.body;
  var S = {};
  try { S = JSON.parse(doc.getElementById("ui-strings").textContent); } catch (e) { S = {}; }
  if (!/\bjs\b/.test(doc.documentElement.className)) { doc.documentElement.className += " js"; }  // base.html's <head> did it

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

  // Phones: the course menu and the side lists (a lesson's module and outline) fold behind the Menu button
  // (base.html; style.css shows it below 40 em only, and folds them from the first paint: the "js" class is
  // set in the page's <head>, so that nothing moves when this script runs). Escape closes them and puts focus
  // back on the button; nothing traps focus.
  var menu = doc.getElementById("menu-button"), open;
  var folds = menu ? menu.getAttribute("aria-controls").split(" ").map(function (id) { return doc.getElementById(id); }) : [];
  function fold(o) {
    open = o;
    menu.setAttribute("aria-expanded", o);
    folds.forEach(function (f) { if (f) { f.classList.toggle("open", o); } });
  }
  if (menu) {  // base.html: the button and what it folds
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

  // Tick the lessons already opened in the lists of lessons (a module overview, a lesson's side list): a
  // lesson's key is its page's path, and the lists link to pages in their own module's folder.
  var visited = load().visited, folder = (body.getAttribute("data-page") || "").replace(/[^/]*$/, "");
  each(doc.querySelectorAll(".lesson-list a, .page-lesson .side-list a"), function (a) {
    if (visited[folder + a.getAttribute("href").replace(/\.html$/, "")]) {
      var mark = el("span", "opened-mark");  // a tick, and the word (for screen readers only in a side list)
      mark.appendChild(ui("span", /side/.test(a.parentNode.parentNode.className) ? "visually-hidden" : "", "opened"));
      a.parentNode.classList.add("opened");
      a.appendChild(mark);
    }
  });

  // Quizzes: each choice becomes a button with feedback. A wrong pick shows why, and the learner tries again
  // until the right answer is found; a score, and a retry once every question is finished.
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
    // Per question: the choices picked; "done" once it is finished (every right answer found: the buttons
    // stop); "right" if no wrong choice was picked before that, so for a question with one right answer,
    // if the first pick was right (what the score counts, and what an LMS records).
    var state = [];
    var choiceButtons = [];
    pickers[qi] = function (i, j) { if (choiceButtons[i] && choiceButtons[i][j]) { choiceButtons[i][j].click(); } };
    each(quiz.querySelectorAll(".quiz-question"), function (q, i) {
      var choices = answers[i] || [];
      var needed = choices.filter(function (c) { return c.correct; }).length;  // "choose all that apply": several
      var buttons = choiceButtons[i] = [];
      var list = q.querySelector(".quiz-choices");
      // One live region per question: the feedback of each pick is read once, as it appears under its choice.
      if (list) { list.setAttribute("aria-live", "polite"); }
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
        button.addEventListener("click", function () {
          var s = state[i], a = choices[j];
          if (s.done || !a || s.picks.indexOf(j) >= 0) { return; }
          s.picks.push(j);
          li.classList.add(a.correct ? "picked-right" : "picked-wrong");
          button.setAttribute("aria-pressed", "true");
          li.appendChild(feedbackLine(a));
          var found = s.picks.filter(function (k) { return choices[k].correct; }).length;
          if (found === needed) {
            s.done = true;
            s.right = found === s.picks.length;
            buttons.forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
          }
          update();
          tell({ type: "pick", quiz: qi, question: i, choice: j, done: s.done, right: s.right });
        });
      });
    });
    // One line of feedback under the choice: a mark (hidden from screen readers), the word "Correct." or
    // "Not quite." in bold, then the authors' feedback. When that feedback opens with the word itself
    // ("Correct. The..."), its own word is the bold one: a screen reader says it once.
    function feedbackLine(c) {
      var name = c.correct ? "correct" : "wrong", text = c.feedback || "";
      var word = t(name).replace(/[.!\u104b\u17d4\s]+$/, "");
      var own = text && text.toLowerCase().indexOf(word.toLowerCase()) === 0;
      var line = el("p", "quiz-feedback " + (c.correct ? "right" : "wrong"));
      line.appendChild(el("span", "mark", c.correct ? "✓ " : "✗ ")).setAttribute("aria-hidden", "true");
      line.appendChild(own ? el("strong", "", text.slice(0, word.length)) : ui("strong", "", name));
      line.appendChild(doc.createTextNode(own ? text.slice(word.length) : " " + text));
      return line;
    }
    bodyEl.appendChild(score);
    bodyEl.appendChild(retry);
    function update() {
      var done = 0, right = 0;
      state.forEach(function (s) { if (s.done) { done += 1; if (s.right) { right += 1; } } });
      var text = t("score", { right: right, total: answers.length });
      if (score.textContent !== text) { score.textContent = text; }
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
      each(quiz.querySelectorAll(".quiz-choice"), function (li) { li.classList.remove("picked-right", "picked-wrong"); });
      each(quiz.querySelectorAll(".quiz-choice > .quiz-feedback"), function (f) { f.parentNode.removeChild(f); });
      each(quiz.querySelectorAll("button.choice"), function (b) {
        b.setAttribute("aria-pressed", "false");
        b.removeAttribute("aria-disabled");
      });
      score.textContent = "";
      retry.hidden = true;
      var first = quiz.querySelector("button.choice");
      if (first) { first.focus(); }
      tell({ type: "retry", quiz: qi });
    });
  });

  // What the other pages' scripts (pages.js, progress.js: loaded there only, to keep lesson pages light) need.
  window.awaCourse = { t: t, el: el, each: each, load: load, save: save, today: today,
    watch: function (fn) { watchers.push(fn); },
    pick: function (quiz, question, choice) { if (pickers[quiz]) { pickers[quiz](question, choice); } } };
  // In a SCORM package (courseware/lms.py) the page is shown in a frame of the launch page, which puts earlier
  // answers back and listens from here on: hand it the page now, before the learner can pick anything.
  try {
    if (window.parent !== window && window.parent.awaScorm) { window.parent.awaScorm(window.awaCourse, doc); }
  } catch (e) { /* framed by a page of another site: nothing to hand */ }
}());
