/* Agent console: fuzzy search over the console's entries (agent site only).
   Misspellings are forgiven (Damerau-Levenshtein), a word being typed matches as a prefix, and
   words many entries share count for less than rare ones, so a caller's whole sentence works. */
window.kbAgent = window.kbAgent || {};
(function (kb) {
  "use strict";

  /* --- fuzzy matching ---------------------------------------------------------------------- */

  function normalize(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function words(text) { var n = normalize(text); return n ? n.split(" ") : []; }

  function stem(w) {
    if (w.length > 5 && /ing$/.test(w)) return w.slice(0, -3);
    if (w.length > 4 && /(ed|es)$/.test(w)) return w.slice(0, -2);
    if (w.length > 3 && /s$/.test(w) && !/ss$/.test(w)) return w.slice(0, -1);
    return w;
  }

  /* Damerau-Levenshtein (optimal string alignment), giving up above `max`. */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function allowedEdits(w) { return w.length <= 3 ? 0 : w.length <= 5 ? 1 : 2; }

  /* How well one query word matches one indexed word: 0 (not at all) to 1 (exactly). */
  function wordScore(q, t, last) {
    if (q === t) return 1;
    if (stem(q) === stem(t)) return 0.95;
    if (t.indexOf(q) === 0 && (last ? q.length >= 2 : q.length >= 3)) return last ? 0.9 : 0.75;
    var max = allowedEdits(q);
    if (!max) return 0;
    var d = distance(q, t, max);
    if (d <= max) return 0.8 - 0.15 * (d - 1);
    if (last && q.length >= 4 && t.length > q.length) { /* a misspelled word still being typed */
      if (distance(q, t.slice(0, q.length), 1) <= 1) return 0.55;
    }
    return 0;
  }

  var FIELD_WEIGHTS = { name: 10, keywords: 7, jurisdiction: 8, summary: 2, extra: 1 };

  function indexEntry(entry, fields) {
    entry.fields = {};
    Object.keys(fields).forEach(function (f) {
      var seen = {};
      entry.fields[f] = [].concat(fields[f]).reduce(function (acc, text) {
        words(text).forEach(function (w) { if (!seen[w]) { seen[w] = 1; acc.push(w); } });
        return acc;
      }, []);
    });
    entry.phrase = normalize(fields.name);
    return entry;
  }

  /* The best match of each query word in an entry (field weight times word score). */
  function scoreEntry(entry, query) {
    return query.map(function (q, i) {
      var last = i === query.length - 1, best = 0;
      Object.keys(entry.fields).forEach(function (f) {
        var weight = FIELD_WEIGHTS[f] || 1;
        entry.fields[f].forEach(function (t) {
          var s = wordScore(q, t, last) * weight;
          if (s > best) best = s;
        });
      });
      return best;
    });
  }

  /* Entries for what was typed, best first. Words that many entries share ("my", "not") count
     for less than rare ones (inverse document frequency), so a caller's whole sentence works;
     an entry must cover at least half of what the query's words are worth. */
  function search(entries, text) {
    var query = words(text).filter(function (w, i, all) { return w.length > 1 || all.length === 1; });
    if (!query.length) return [];
    var rows = entries.map(function (entry) { return { entry: entry, best: scoreEntry(entry, query) }; });
    var n = entries.length;
    var idf = query.map(function (q, k) {
      var df = rows.filter(function (r) { return r.best[k] > 0; }).length;
      return df ? Math.log(1 + n / df) : 0;
    });
    var worth = idf.reduce(function (a, b) { return a + b; }, 0);
    if (!worth) return [];
    var joined = query.join(" "), out = [], top = Math.max.apply(null, idf);
    rows.forEach(function (r) {
      r.score = 0;
      r.coverage = 0;
      r.best.forEach(function (b, k) {
        r.score += b * idf[k];
        if (b > 0) r.coverage += idf[k] / worth;
      });
    });
    /* half of the query's worth, or less when nothing covers that much (a long sentence) */
    var most = Math.max.apply(null, rows.map(function (r) { return r.coverage; }));
    var floor = Math.min(0.5, 0.7 * most);
    rows.forEach(function (r) {
      if (r.coverage < floor || !r.score) return;
      var score = r.score;
      if (r.entry.phrase === joined) score += 20 * top;
      else if (joined.length > 2 && r.entry.phrase.indexOf(joined) === 0) score += 8 * top;
      out.push({ entry: r.entry, rank: (score + r.entry.boost) * (0.5 + r.coverage) });
    });
    out.sort(function (a, b) {
      return b.rank - a.rank || (a.entry.title < b.entry.title ? -1 : a.entry.title > b.entry.title ? 1 : 0);
    });
    return out.slice(0, 12).map(function (r) { return r.entry; });
  }

  kb.indexEntry = indexEntry;
  kb.search = search;
  kb.distance = distance;
})(window.kbAgent);
