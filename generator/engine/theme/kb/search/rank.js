/* kb's search ranking in the browser: a query against kb's index (api/v2/<lang>/search.json).
   The same steps, in the same order, as generator/search/rank.py (whose docstring explains
   them), so that the console, the site's search box and `kb search` rank alike: change both or
   neither (tests/test_search_v2.py runs both on the same questions and compares the scores).
   Lengths and edits count code points, as Python does. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.kbSearch = factory();
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var APOSTROPHES = /['\u2019\u02bc`]/g;

  /* pipeline/thesaurus.py's fold: case, accents (and Arabic vowel marks), apostrophes and
     punctuation do not count. */
  function fold(text) {
    var s = String(text == null ? "" : text).toLowerCase().replace(/\u00df/g, "ss")
      .replace(/\u03c2/g, "\u03c3").normalize("NFKD").replace(/\p{Mn}/gu, "")
      .replace(APOSTROPHES, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
    return s;
  }

  function chars(s) { return Array.from(s); }

  /* Optimal string alignment distance, limit + 1 when more than limit (rank.py's distance). */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = [], prev = [], cur, i, j, v, low, cost;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      low = i;
      for (j = 1; j <= b.length; j++) {
        cost = a[i - 1] === b[j - 1] ? 0 : 1;
        v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur.push(v);
        if (v < low) low = v;
      }
      if (low > limit) return limit + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length] <= limit ? prev[b.length] : limit + 1;
  }

  /* pipeline/thesaurus.py's Thesaurus.expand over folded words. */
  function Thesaurus(words, q) {
    this.groups = words.synonyms;
    this.broader = new Map(Object.keys(words.broader).map(function (k) {
      return [k, words.broader[k]];
    }));
    this.index = new Map();
    this.longest = 1;
    this.q = q;
    var self = this;
    this.groups.forEach(function (group, i) {
      group.forEach(function (term) {
        var list = self.index.get(term);
        if (!list) self.index.set(term, list = []);
        if (list.indexOf(i) < 0) list.push(i);
        self.longest = Math.max(self.longest, term.split(" ").length);
      });
    });
    this.broader.forEach(function (_, word) {
      self.longest = Math.max(self.longest, word.split(" ").length);
    });
  }

  Thesaurus.prototype.expand = function (words) {
    var out = new Map(), extra = new Map(), self = this, start, size, text, q = this.q;
    words.forEach(function (w) { out.set(w, 1.0); });
    function put(term, weight) { extra.set(term, Math.max(extra.has(term) ? extra.get(term) : 0.0, weight)); }
    for (start = 0; start < words.length; start++) {
      for (size = Math.min(this.longest, words.length - start); size > 0; size--) {
        text = words.slice(start, start + size).join(" ");
        (this.index.get(text) || []).forEach(function (i) {
          self.groups[i].forEach(function (term) { if (term !== text) put(term, q.synonym); });
        });
        (this.broader.get(text) || []).forEach(function (term) { put(term, q.broader); });
      }
    }
    extra.forEach(function (weight, term) { if (!out.has(term)) out.set(term, weight); });
    return Array.from(out.entries());
  };

  function Engine(data) {
    var self = this;
    this.data = data;
    this.q = data.query;
    this.forms = data.forms;
    this.formChars = data.forms.map(chars);
    this.formId = new Map();
    data.forms.forEach(function (w, i) { self.formId.set(w, i); });
    this.stemGroup = new Map();
    data.stems.forEach(function (group) { group.forEach(function (i) { self.stemGroup.set(i, group); }); });
    this.stop = new Set(data.stop);
    this.thesaurus = new Thesaurus(data.thesaurus, data.query);
  }

  /* [words, weight, typed] of a query (rank.py's units). */
  Engine.prototype.units = function (text) {
    var q = this.q, self = this, folded = fold(text), out = new Map(), order = [];
    var words = folded ? folded.split(" ") : [];
    function add(term, weight, typed) {
      term = term.filter(function (w) { return !self.stop.has(w); });
      if (!term.length) return;
      var key = term.join(" "), found = out.get(key);
      if (!found) { out.set(key, found = [term, weight, typed]); order.push(found); }
      else if (weight > found[1]) found[1] = weight;
    }
    words.forEach(function (w) { add([w], 1.0, true); });
    for (var i = 0; i < words.length - 1; i++) {
      var joined = words[i] + words[i + 1];
      if (this.formId.has(joined)) add([joined], q.join, false);
    }
    words.forEach(function (w) {
      var c = chars(w);
      if (self.formId.has(w) || self.stop.has(w) || c.length < q.split_min) return;
      for (var cut = q.split_part_min; cut < c.length - q.split_part_min + 1; cut++) {
        var a = c.slice(0, cut).join(""), b = c.slice(cut).join("");
        if (self.formId.has(a) && self.formId.has(b)) { add([a, b], q.split, false); break; }
      }
    });
    this.thesaurus.expand(words).forEach(function (pair) {
      if (pair[1] < 1.0) add(pair[0].split(" "), pair[1], false);
    });
    return order;
  };

  /* The forms a word matches, with their factors (rank.py's matches). */
  Engine.prototype.matches = function (word, typed) {
    var q = this.q, found = new Map(), i;
    function put(k, factor) { if (factor > (found.has(k) ? found.get(k) : 0.0)) found.set(k, factor); }
    var exact = this.formId.has(word) ? this.formId.get(word) : null;
    if (exact !== null) {
      put(exact, q.exact);
      (this.stemGroup.get(exact) || []).forEach(function (k) { put(k, q.stem); });
    }
    if (!typed) return found;
    var c = chars(word), size = c.length;
    var edits = size >= q.edit2_min ? 2 : size >= q.edit1_min ? 1 : 0;
    if (exact !== null) edits = 0;
    if (size < q.prefix_min && !edits) return found;
    for (i = 0; i < this.forms.length; i++) {
      var form = this.forms[i], fc = this.formChars[i];
      if (size >= q.prefix_min && fc.length > size && form.startsWith(word)) put(i, q.prefix);
      else if (edits && Math.abs(fc.length - size) <= edits) {
        var d = distance(c, fc, edits); /* edits + 1 when farther */
        if (d === 1) put(i, q.edit1);
        else if (d === 2 && edits === 2) put(i, q.edit2);
      }
    }
    return found;
  };

  /* Per document, the best score of a word's matches in it. */
  Engine.prototype.best = function (word, weight, typed) {
    var postings = this.data.postings, best = new Map();
    this.matches(word, typed).forEach(function (factor, i) {
      var m = weight * factor, p = postings[i];
      for (var k = 0; k < p.length; k += 2) {
        var s = m * p[k + 1];
        if (s > (best.has(p[k]) ? best.get(p[k]) : 0.0)) best.set(p[k], s);
      }
    });
    return best;
  };

  Engine.prototype.search = function (text, limit) {
    var self = this, units = this.units(text), scores = new Map(), covered = new Map();
    limit = limit || 10;
    var typed = units.filter(function (u) { return u[2]; }).length;
    if (!typed) return [];
    units.forEach(function (unit) {
      var term = unit[0], weight = unit[1], best = self.best(term[0], weight, unit[2]);
      term.slice(1).forEach(function (word) {
        var more = self.best(word, weight, unit[2]), next = new Map();
        best.forEach(function (s, doc) { if (more.has(doc)) next.set(doc, s + more.get(doc)); });
        best = next;
      });
      best.forEach(function (s, doc) {
        scores.set(doc, (scores.has(doc) ? scores.get(doc) : 0.0) + s / term.length);
        covered.set(doc, (covered.has(doc) ? covered.get(doc) : 0.0) + weight);
      });
    });
    var final = [];
    scores.forEach(function (s, doc) {
      var share = Math.min(1.0, covered.get(doc) / typed);
      final.push([s * (0.5 + 0.5 * share), doc]);
    });
    final.sort(function (a, b) { return (b[0] - a[0]) || (a[1] - b[1]); });
    return final.slice(0, limit).map(function (pair, i) { return self.result(i + 1, pair[1], pair[0]); });
  };

  Engine.prototype.result = function (rank, doc, score) {
    var d = this.data.docs[doc];
    var out = {rank: rank, id: d.id, kind: d.kind, title: d.title, summary: d.summary, url: d.url,
               score: score};
    if (d.by !== null) out.handler = this.data.handlers[d.by];
    return out;
  };

  return {fold: fold, distance: distance, Engine: Engine,
          load: function (data) { return new Engine(data); }};
}));
