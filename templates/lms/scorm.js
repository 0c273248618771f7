/* Advocacy with ASEAN: the launch page of a SCORM package (courseware/lms.py, launch.html).
   It finds the LMS's run-time API the standard way (API for SCORM 1.2, API_1484_11 for SCORM 2004, searched up
   the chain of parent windows, then from the opener), shows the course pages in a frame, and tells the LMS
   where the learner is, what they answered and how they did. The pages themselves are the trainee site's:
   app.js hands each to this page (awaScorm), which puts earlier answers back (awaCourse.pick) and listens to
   the quizzes (awaCourse.watch). Without an LMS it simply opens the first page, and the site keeps its
   progress in the browser (localStorage) as it always does. A classic script, like app.js, for old phones. */
(function () {
  "use strict";
  var doc = document, win = window;
  var DATA = JSON.parse(doc.getElementById("sco-data").textContent);
  var V12 = DATA.scorm === "1.2";
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";

  // --- Finding the API -------------------------------------------------------------------------------------
  function search(w) {
    for (var hops = 0; w && hops < 500; hops += 1) {
      try {
        var api = V12 ? w.API : w.API_1484_11;
        if (api) { return api; }
      } catch (e) { /* a window of another origin: keep looking further up */ }
      if (w.parent === w) { return null; }
      w = w.parent;
    }
    return null;
  }
  function findApi() {
    var api = search(win);
    try { if (!api && win.opener) { api = search(win.opener); } } catch (e) { api = null; }
    try { if (!api && win.top.opener) { api = search(win.top.opener); } } catch (e) { api = null; }
    return api;
  }

  var api = findApi();
  var M = V12 ? { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
                  finish: "LMSFinish", error: "LMSGetLastError" }
              : { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit",
                  finish: "Terminate", error: "GetLastError" };
  if (!api || String(api[M.init]("")) !== "true") {
    win.location.replace(DATA.start);  // no LMS (an unzipped package, a plain web server): the site as it is
    return;
  }
  function get(name) {
    var value = api[M.get](name);
    return String(api[M.error]()) === "0" && value !== null && value !== undefined ? String(value) : "";
  }
  function set(name, value) { api[M.set](name, String(value)); }
  var CMI = V12 ? { entry: "cmi.core.entry", location: "cmi.core.lesson_location", exit: "cmi.core.exit",
                    session: "cmi.core.session_time", score: "cmi.core.score." }
                : { entry: "cmi.entry", location: "cmi.location", exit: "cmi.exit",
                    session: "cmi.session_time", score: "cmi.score." };

  // --- What the learner did: the lessons opened and, per question, the picks and the last result ----------
  // Kept in cmi.suspend_data as "1|<lessons opened, a hex bit mask>|<question>.<question>...", each question
  // its picks as letters in order, then "+" (right) or "-" (wrong) once finished: compact, because SCORM 1.2
  // allows only 4,096 characters (the whole course takes well under 1,000).
  var questions = [];  // {quiz, index, choices, picks: [], result: "" | "+" | "-"}
  DATA.quizzes.forEach(function (quiz, g) {
    quiz.choices.forEach(function (n, i) { questions.push({ quiz: g, index: i, choices: n, picks: [], result: "" }); });
  });
  var opened = DATA.lessons.map(function () { return false; });
  var place = "";
  var resumed = get(CMI.entry) !== "ab-initio";  // a first launch has nothing to read back
  if (resumed) {
    place = get(CMI.location);
    decode(get("cmi.suspend_data"));
  }
  function encode() {
    var mask = "";
    for (var k = 0; k < opened.length; k += 4) {
      var digit = 0;
      for (var b = 0; b < 4; b += 1) { if (opened[k + b]) { digit += 1 << b; } }
      mask += digit.toString(16);
    }
    return "1|" + mask + "|" + questions.map(function (q) {
      return q.picks.map(function (j) { return LETTERS.charAt(j); }).join("") + q.result;
    }).join(".");
  }
  function decode(text) {
    var parts = text.split("|");
    if (parts[0] !== "1" || parts.length !== 3) { return; }  // none, or another version's: start afresh
    opened = opened.map(function (o, k) { return (parseInt(parts[1].charAt(k >> 2) || "0", 16) >> (k & 3) & 1) === 1; });
    var saved = parts[2].split(".");
    if (saved.length !== questions.length) { return; }  // the package was changed since: its answers no longer fit
    questions.forEach(function (q, n) {
      var m = /^([a-z]*)([+-]?)$/.exec(saved[n]);
      if (!m) { return; }
      q.picks = m[1].split("").map(function (c) { return LETTERS.indexOf(c); })
        .filter(function (j) { return j >= 0 && j < q.choices; });
      q.result = m[2];
    });
  }

  // --- What the LMS is told ----------------------------------------------------------------------------------
  var mastery = DATA.mastery;  // percent; the LMS's own threshold, from the manifest, wins
  if (mastery !== null) {
    var given = parseFloat(get(V12 ? "cmi.student_data.mastery_score" : "cmi.scaled_passing_score"));
    if (!isNaN(given)) { mastery = V12 ? given : Math.round(given * 10000) / 100; }  // 0.6 * 100 is 60.00000000000001
  }
  var interactions = parseInt(get("cmi.interactions._count"), 10) || 0;
  var started = new Date().getTime();

  function progress() {
    var answered = 0, right = 0, seen = opened.filter(Boolean).length;
    questions.forEach(function (q) { if (q.result) { answered += 1; if (q.result === "+") { right += 1; } } });
    return { answered: answered, right: right, total: questions.length,
             complete: seen === opened.length && answered === questions.length,
             measure: (seen + answered) / ((opened.length + questions.length) || 1) };
  }
  function report(leaving) {
    var p = progress();
    var passed = mastery !== null && p.total > 0 ? 100 * p.right >= mastery * p.total : null;
    // The score once every question is answered. SCORM 1.2 LMSs (Moodle among them) take the raw score as the
    // grade, so it is a percentage; and they judge any score against the mastery score when the learner leaves
    // (Moodle's "Mastery score overrides status"), so a score sent earlier would fail a learner halfway.
    if (p.total && p.answered === p.total) {
      set(CMI.score + "min", 0);
      set(CMI.score + "max", 100);
      set(CMI.score + "raw", Math.round(10000 * p.right / p.total) / 100);
      if (!V12) { set(CMI.score + "scaled", Math.round(10000 * p.right / p.total) / 10000); }
    }
    if (V12) {
      set("cmi.core.lesson_status", !p.complete ? "incomplete" : passed === null ? "completed" : passed ? "passed" : "failed");
    } else {
      set("cmi.completion_status", p.complete ? "completed" : "incomplete");
      set("cmi.progress_measure", Math.round(p.measure * 100) / 100);
      if (p.complete && passed !== null) { set("cmi.success_status", passed ? "passed" : "failed"); }
    }
    if (place) { set(CMI.location, place); }
    set("cmi.suspend_data", encode());
    set(CMI.session, sessionTime((new Date().getTime() - started) / 1000));
    // Suspended, the LMS keeps the learner's place and answers for the next visit; a finished module ends the
    // attempt the usual way, so that the LMS can offer a new one.
    set(CMI.exit, !leaving ? "suspend" : p.complete ? (V12 ? "" : "normal") : "suspend");
    api[M.commit]("");
  }
  function sessionTime(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (V12) {  // CMITimespan: HHHH:MM:SS.SS
      return pad(Math.min(h, 9999)) + ":" + pad(m) + ":" + pad(Math.floor(s)) + "." + pad(Math.floor(s * 100) % 100);
    }
    return "PT" + h + "H" + m + "M" + Math.floor(s * 100) / 100 + "S";  // ISO 8601 duration
  }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function timestamp(d) {  // SCORM 2004 time(second,10,0): YYYY-MM-DDThh:mm:ss.s, here in UTC
    return d.toISOString().slice(0, 22) + "Z";
  }

  function answered(q, right, prompt) {
    var n = "cmi.interactions." + interactions + ".";
    var quiz = DATA.quizzes[q.quiz];
    var letters = q.picks.map(function (j) { return LETTERS.charAt(j); });
    interactions += 1;
    set(n + "id", quiz.id + ".q" + (q.index + 1));
    set(n + "type", "choice");
    if (V12) {
      set(n + "student_response", letters.join(","));
      set(n + "result", right ? "correct" : "wrong");
      set(n + "time", new Date().toTimeString().slice(0, 8));
    } else {
      set(n + "timestamp", timestamp(new Date()));
      set(n + "learner_response", letters.join("[,]"));
      set(n + "result", right ? "correct" : "incorrect");
      if (prompt) { set(n + "description", prompt.slice(0, 250)); }
    }
  }

  // --- The pages, in a frame ------------------------------------------------------------------------------
  // Each page of the site hands itself over (app.js calls awaScorm) as soon as its quizzes are ready, before
  // the learner can answer: its answers are put back, and its quizzes are listened to from then on.
  win.awaScorm = function (site, content) {
    var page = content.body.getAttribute("data-page");
    if (!page) { return; }
    doc.title = content.title;
    place = page;
    var k = DATA.lessons.indexOf(page);
    if (k >= 0) { opened[k] = true; }
    follow(site, page, content);
    report(false);
  };
  var frame = doc.createElement("iframe");
  frame.title = DATA.title;
  frame.src = DATA.pages.indexOf(place) >= 0 ? place : DATA.start;
  doc.body.appendChild(frame);

  function follow(site, page, content) {
    var mine = [];  // this page's quizzes: app.js numbers them on the page, DATA across the package
    DATA.quizzes.forEach(function (quiz, g) { if (quiz.page === page) { mine[quiz.quiz] = g; } });
    questions.forEach(function (q) {  // put back the answers kept from earlier visits
      var quiz = DATA.quizzes[q.quiz];
      if (quiz.page === page) {
        q.picks.forEach(function (j) { site.pick(quiz.quiz, q.index, j); });
      }
    });
    site.watch(function (event) {
      var g = mine[event.quiz];
      if (g === undefined) { return; }
      var own = questions.filter(function (q) { return q.quiz === g; });
      if (event.type === "retry") {  // the picks go; each result counts until the question is answered again
        own.forEach(function (q) { q.picks = []; });
      } else if (event.type === "pick" && own[event.question]) {
        var q = own[event.question];
        q.picks.push(event.choice);
        if (event.done) {
          q.result = event.right ? "+" : "-";
          var prompts = content.querySelectorAll("section.quiz")[event.quiz].querySelectorAll(".quiz-prompt");
          answered(q, event.right, prompts[event.question] ? prompts[event.question].textContent : "");
        }
      }
      report(false);
    });
  }

  // --- Leaving --------------------------------------------------------------------------------------------
  var done = false;
  function leave() {
    if (done) { return; }
    done = true;
    report(true);
    api[M.finish]("");
  }
  win.addEventListener("pagehide", leave);
  win.addEventListener("beforeunload", leave);
  doc.addEventListener("visibilitychange", function () {  // a phone may close the tab without pagehide
    if (doc.visibilityState === "hidden" && !done) { report(false); }
  });
}());
