/* Advocacy with ASEAN: search, loaded by the search page only. The index is a classic script that sets
   window.SEARCH_INDEX, because fetch(), workers and ES modules fail under file://. */
(function () {
  "use strict";
  var doc = document;
  var S = {};
  try { S = JSON.parse(doc.getElementById("ui-strings").textContent); } catch (e) { S = {}; }
  function t(name, values) {
    var s = S[name] || name;
    Object.keys(values || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(values[k])); });
    return s;
  }
  // A message's plural forms (a list, in the catalog's order) and the catalog's rule (a C expression of n,
  // written by the build from the catalog itself) that picks the one a number takes.
  function plural(name, n) {
    var forms = S[name] || [name], index = n === 1 ? 0 : 1;
    try { index = +new Function("n", "return (" + S.plural + ");")(n); } catch (e) { /* keep English's rule */ }
    return forms[Math.min(index, forms.length - 1)].split("{n}").join(String(n));
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  var results = doc.getElementById("search-results");
  if (results && window.SEARCH_INDEX) {
    var input = doc.getElementById("search-page-q");
    var q = "";
    try { q = (new URLSearchParams(window.location.search).get("q") || "").trim(); } catch (e) { q = ""; }
    input.value = q;
    if (q) { showResults(q); }
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { showResults(input.value.trim()); }, 200);
    });
  }

  function queryTerms(q) {
    var lang = window.SEARCH_INDEX.lang || doc.documentElement.lang || "en";
    var words = [];
    if (window.Intl && Intl.Segmenter) {  // splits Thai, Khmer and Burmese queries the way ICU split the index
      var seg = new Intl.Segmenter(lang, { granularity: "word" });
      var it = seg.segment(q);
      Array.from(it).forEach(function (s) { if (s.isWordLike) { words.push(s.segment); } });
    } else {
      words = q.split(/[\s\u200b]+/);
    }
    var seen = {};
    return words.map(function (w) { return w.toLowerCase(); }).filter(function (w) {
      if (!w || seen[w]) { return false; }
      seen[w] = true;
      return true;
    });
  }

  function count(hay, term) {
    var n = 0, at = hay.indexOf(term);
    while (at >= 0 && n < 50) { n += 1; at = hay.indexOf(term, at + term.length); }
    return n;
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase(), at = -1;
    terms.forEach(function (term) { var i = lower.indexOf(term); if (i >= 0 && (at < 0 || i < at)) { at = i; } });
    if (at < 0) { at = 0; }
    var start = Math.max(0, at - 70), end = Math.min(text.length, at + 150);
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp > 0 && sp < at) { start = sp + 1; } }
    if (end < text.length) { var sp2 = text.lastIndexOf(" ", end); if (sp2 > at) { end = sp2; } }
    var part = text.slice(start, end), low = part.toLowerCase(), html = "", pos = 0;
    while (pos < part.length) {
      var next = -1, len = 0;
      terms.forEach(function (term) {
        var i = low.indexOf(term, pos);
        if (i >= 0 && (next < 0 || i < next || (i === next && term.length > len))) { next = i; len = term.length; }
      });
      if (next < 0) { html += esc(part.slice(pos)); break; }
      html += esc(part.slice(pos, next)) + "<mark>" + esc(part.slice(next, next + len)) + "</mark>";
      pos = next + len;
    }
    return (start > 0 ? "… " : "") + html + (end < text.length ? " …" : "");
  }

  function showResults(q) {
    var terms = queryTerms(q);
    if (!terms.length) { results.innerHTML = ""; return; }
    var hits = [];
    window.SEARCH_INDEX.pages.forEach(function (page) {
      var text = page.text.toLowerCase(), words = (page.words || "").toLowerCase(), title = page.title.toLowerCase();
      var score = 0, all = true;
      terms.forEach(function (term) {
        var n = Math.max(count(text, term), count(words, term));
        var inTitle = title.indexOf(term) >= 0;
        if (!n && !inTitle) { all = false; }
        score += Math.min(n, 20) + (inTitle ? 25 : 0) + (words && (" " + words + " ").indexOf(" " + term + " ") >= 0 ? 5 : 0);
      });
      if (all) { hits.push({ page: page, score: score }); }
    });
    hits.sort(function (a, b) { return b.score - a.score || (a.page.url < b.page.url ? -1 : 1); });
    var html = "<p class=\"search-count\">" + esc(hits.length ? plural("results", hits.length) : t("noresults")) +
      " <strong>" + esc(q) + "</strong></p>";
    var lang = window.SEARCH_INDEX.lang || "en";
    if (!hits.length && lang !== "en") {  // the lessons are still English on translated sites
      html += "<p class=\"search-hint\">" + esc(t("tryenglish")) + "</p>";
    }
    if (hits.length) {
      html += "<ol class=\"search-results\">";
      hits.forEach(function (h) {  // every result the count announces (it said 76 and listed 50)
        var mark = h.page.lang ? " lang=\"" + esc(h.page.lang) + "\"" : "";  // English shown on a translated site
        html += "<li class=\"search-result\"><a href=\"" + esc(h.page.url) + "\"" + mark + ">" + esc(h.page.title) + "</a>" +
          "<span class=\"meta\">" + esc(h.page.module || "") + "</span><p" + mark + ">" + snippet(h.page.text, terms) + "</p></li>";
      });
      html += "</ol>";
    }
    results.innerHTML = html;
  }
}());
