/* kb's search ranking in the browser: a query against kb's index (api/v2/<lang>/search.json).
   The same steps, in the same order, as generator/search/rank.py (whose docstring explains
   them), so that the console, the site's search box and `kb search` rank alike: change both or
   neither (tests/test_search_v2.py runs both on the same questions and compares the scores).
   Lengths and edits count code points, as Python does.

   kbSearch.open(url) fetches the index's head and gives a Promise of an engine; its
   search(text, limit) gives a Promise of the results. The engine fetches only the shards it
   needs (generator/search/shards.py: the postings of the forms a query matches, then the
   documents it shows), once each. kbSearch.load(data) is an engine over a whole index already
   in memory (index.build's dict). */
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

  /* Python's order of strings (by code point; JavaScript's < compares UTF-16 units, which puts
     a letter above U+FFFF before one from U+E000 to U+FFFF). */
  function compare(a, b) {
    for (var k = 0; k < a.length && k < b.length; k++) {
      var x = a.charCodeAt(k), y = b.charCodeAt(k);
      if (x !== y) {
        var sx = x >= 0xd800 && x <= 0xdfff, sy = y >= 0xd800 && y <= 0xdfff;
        return sx === sy ? x - y : sx ? 1 : -1;
      }
    }
    return a.length - b.length;
  }

  /* The first index of a sorted list whose item is not before `word` (Python's bisect_left). */
  function bisect(list, word) {
    var lo = 0, hi = list.length, mid;
    while (lo < hi) {
      mid = (lo + hi) >> 1;
      if (compare(list[mid], word) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* The shard of a table (the head's shards.postings or shards.docs) that holds item i. */
  function shardOf(table, i) {
    var lo = 0, hi = table.first.length - 1, mid;
    while (lo < hi) {
      mid = (lo + hi + 1) >> 1;
      if (table.first[mid] <= i) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

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
  function Thesaurus(words, q, stop) {
    this.groups = words.synonyms;
    this.stop = stop;
    this.loose = new Map(); /* a phrase without its stop words -> the terms (thesaurus.py's _loose) */
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
        self.addLoose(term);
      });
    });
    this.broader.forEach(function (_, word) {
      self.longest = Math.max(self.longest, word.split(" ").length);
      self.addLoose(word);
    });
  }

  /* Every word of its terms (a phrase's words one by one): thesaurus.py's Thesaurus.words. */
  Thesaurus.prototype.words = function () {
    var out = new Set();
    function add(term) { term.split(" ").forEach(function (w) { out.add(w); }); }
    this.groups.forEach(function (group) { group.forEach(add); });
    this.broader.forEach(function (terms, key) { add(key); terms.forEach(add); });
    return out;
  };

  Thesaurus.prototype.addLoose = function (term) {
    var stop = this.stop, key = term.split(" ").filter(function (w) { return !stop.has(w); });
    if (!stop.size || key.length < 2) return;
    var list = this.loose.get(key.join(" "));
    if (!list) this.loose.set(key.join(" "), list = []);
    if (list.indexOf(term) < 0) list.push(term);
  };

  /* [term, weight, start, end]: start:end is the phrase of the query that brought the term. */
  Thesaurus.prototype.expand = function (words) {
    var out = new Map(), extra = new Map(), self = this, start, size, q = this.q;
    words.forEach(function (w, i) { if (!out.has(w)) out.set(w, [1.0, i, i + 1]); });
    function put(term, weight, from, to) {
      if (!extra.has(term) || weight > extra.get(term)[0]) extra.set(term, [weight, from, to]);
    }
    function look(text, from, to) {
      var same = [text];
      (self.index.get(text) || []).forEach(function (i) {
        self.groups[i].forEach(function (term) {
          if (term !== text) { put(term, q.synonym, from, to); same.push(term); }
        });
      });
      same.forEach(function (word) { /* what a synonym expands to, the phrase does too */
        (self.broader.get(word) || []).forEach(function (term) {
          put(term, q.broader, from, to);
          (self.index.get(term) || []).forEach(function (j) { /* and its synonyms */
            self.groups[j].forEach(function (other) { put(other, q.related, from, to); });
          });
          (self.broader.get(term) || []).forEach(function (other) { /* and what it is a case of */
            put(other, q.related, from, to);
          });
        });
      });
    }
    for (start = 0; start < words.length; start++) {
      for (size = Math.min(this.longest, words.length - start); size > 0; size--) {
        look(words.slice(start, start + size).join(" "), start, start + size);
      }
    }
    /* phrases of the thesaurus, stop words aside: "hole in my road" is "hole in the road" */
    var kept = [];
    if (this.stop.size) words.forEach(function (w, i) { if (!self.stop.has(w)) kept.push(i); });
    for (var a = 0; a < kept.length; a++) {
      for (size = Math.min(this.longest, kept.length - a); size > 1; size--) {
        var at = kept.slice(a, a + size);
        (this.loose.get(at.map(function (i) { return words[i]; }).join(" ")) || []).forEach(function (term) {
          if (words.slice(at[0], at[at.length - 1] + 1).join(" ") !== term) look(term, at[0], at[at.length - 1] + 1);
        });
      }
    }
    /* ... and with one more word of the query inside the phrase ("parked right in front of") */
    for (a = 0; a < kept.length; a++) {
      for (size = Math.min(this.longest, kept.length - a - 1); size > 1; size--) {
        var span = kept.slice(a, a + size + 1);
        for (var skip = 1; skip < size; skip++) {
          var gapped = span.slice(0, skip).concat(span.slice(skip + 1));
          (this.loose.get(gapped.map(function (i) { return words[i]; }).join(" ")) || []).forEach(function (term) {
            look(term, gapped[0], gapped[gapped.length - 1] + 1);
          });
        }
      }
    }
    extra.forEach(function (value, term) { if (!out.has(term)) out.set(term, value); });
    return Array.from(out.entries()).map(function (e) { return [e[0], e[1][0], e[1][1], e[1][2]]; });
  };

  /* An engine over an index: a head with its shards still to fetch (get(name) gives a Promise
     of a shard, by the name the head gives it), or a whole index (no get). */
  function Engine(data, get) {
    var self = this;
    this.data = data;
    this.get = get;
    this.q = data.query;
    this.forms = data.forms;
    this.formChars = data.forms.map(chars);
    this.formId = new Map();
    this.byLength = new Map(); /* forms by length, for the edits */
    data.forms.forEach(function (w, i) {
      self.formId.set(w, i);
      var n = self.formChars[i].length, list = self.byLength.get(n);
      if (!list) self.byLength.set(n, list = []);
      list.push(i);
    });
    this.stemGroup = new Map();
    data.stems.forEach(function (group) { group.forEach(function (i) { self.stemGroup.set(i, group); }); });
    this.aliases = data.aliases || {};
    this.stop = new Set(data.stop);
    this.places = { prepositions: new Set(data.places.prepositions),
                    possessives: new Set(data.places.possessives), words: new Set(data.places.words) };
    this.thesaurus = new Thesaurus(data.thesaurus, data.query, this.stop);
    /* the thesaurus' words: a word typed that is one of them is not a typo, nor being typed */
    this.known = this.thesaurus.words();
    this.found = new Map(); /* matches, remembered: typing repeats words */
    this.shards = new Map(); /* name -> Promise of the shard, once fetched or being fetched */
    this.unnamed = new Set(data.unnamed);
    if (data.shards) {
      this.postings = new Array(data.forms.length);
      this.inNames = new Array(data.forms.length);
      this.docs = new Array(data.shards.docs.count);
    } else {
      this.postings = data.postings;
      this.inNames = data.in_names;
      this.docs = data.docs;
    }
  }

  /* [words, weight, typed, loose, origin] of a query (rank.py's units). */
  Engine.prototype.units = function (text) {
    var q = this.q, self = this, folded = fold(text), out = new Map(), order = [];
    var words = folded ? folded.split(" ") : [], typedAt = new Map();
    function add(term, weight, typed, loose, origin) {
      term = term.filter(function (w) { return !self.stop.has(w); });
      if (!term.length) return;
      if (typed && !typedAt.has(term[0])) typedAt.set(term[0], typedAt.size);
      var at = [];
      (origin || term).forEach(function (w) {
        var k = typedAt.get(w);
        if (k !== undefined && at.indexOf(k) < 0) at.push(k);
      });
      at.sort(function (a, b) { return a - b; });
      var key = term.join(" "), found = out.get(key);
      if (!found) { out.set(key, found = [term, weight, typed, !!loose, at]); order.push(found); }
      else if (weight > found[1]) { found[1] = weight; found[3] = !!loose; found[4] = at; }
    }
    var places = this.places;
    words.forEach(function (w, k) {
      var where = k >= 2 && places.words.has(w) && places.possessives.has(words[k - 1]) &&
        places.prepositions.has(words[k - 2]);
      add([w], where ? q.place : 1.0, true);
    });
    for (var i = 0; i < words.length - 1; i++) {
      var joined = words[i] + words[i + 1];
      if (this.formId.has(joined)) add([joined], q.join, false, false, [words[i], words[i + 1]]);
    }
    words.forEach(function (w) {
      var c = chars(w);
      if (self.formId.has(w) || self.stop.has(w) || c.length < q.split_min) return;
      for (var cut = q.split_part_min; cut < c.length - q.split_part_min + 1; cut++) {
        var a = c.slice(0, cut).join(""), b = c.slice(cut).join("");
        if (self.formId.has(a) && self.formId.has(b)) { add([a, b], q.split, false, false, [w]); break; }
      }
    });
    this.thesaurus.expand(words).forEach(function (t) {
      var weight = t[1];
      if (weight >= 1.0) return;
      var broader = weight === q.broader, related = weight === q.related;
      var unknown = words.slice(t[2], t[3]).some(function (w) {
        return !self.formId.has(w) && !self.stop.has(w);
      });
      if (weight === q.synonym && unknown) weight = q.sure_synonym; /* rank.py says why */
      else if (weight === q.broader && (unknown || t[3] - t[2] > 1)) weight = q.sure_broader;
      else if (related && unknown) weight = q.sure_broader;
      add(t[0].split(" "), weight, false, broader || related, words.slice(t[2], t[3]));
    });
    return order;
  };

  /* The forms a word matches, with their factors (rank.py's matches), remembered. */
  Engine.prototype.matches = function (word, typed) {
    var key = (typed ? "1" : "0") + word, found = this.found.get(key);
    if (!found) {
      if (this.found.size > 500) this.found.clear();
      this.found.set(key, found = this.match(word, typed));
    }
    return found;
  };

  Engine.prototype.match = function (word, typed) {
    var q = this.q, found = new Map(), forms = this.forms, i, k;
    function put(f, factor) { if (factor > (found.has(f) ? found.get(f) : 0.0)) found.set(f, factor); }
    var exact = this.formId.has(word) ? this.formId.get(word) : null;
    if (exact !== null) {
      put(exact, q.exact);
      (this.stemGroup.get(exact) || []).forEach(function (f) { put(f, q.stem); });
    }
    var alias = Object.prototype.hasOwnProperty.call(this.aliases, word) ? this.aliases[word] : null;
    if (alias) alias.forEach(function (f) { put(f, q.stem); }); /* the content's other forms of it */
    if (!typed || (exact === null && this.known.has(word))) return found; /* rank.py says why */
    var c = chars(word), size = c.length;
    var edits = size >= q.edit2_min ? 2 : size >= q.edit1_min ? 1 : 0;
    if (exact !== null || alias) edits = 0;
    if (size < q.prefix_min && !edits) return found;
    /* longer words it begins: a run of the sorted forms, not matched by edits too */
    var start = bisect(forms, word), end = start;
    while (size >= q.prefix_min && end < forms.length && forms[end].startsWith(word)) {
      if (this.formChars[end].length > size) put(end, q.prefix);
      end++;
    }
    for (var length = size - edits; edits && length <= size + edits; length++) {
      var list = this.byLength.get(length) || [];
      for (k = 0; k < list.length; k++) {
        i = list[k];
        if (i >= start && i < end) continue;
        var d = distance(c, this.formChars[i], edits); /* edits + 1 when farther */
        if (d === 1) put(i, q.edit1);
        else if (d === 2 && edits === 2) put(i, q.edit2); /* (distance says limit + 1 for "more") */
      }
    }
    return found;
  };

  /* [words, weight, typed, the forms each word matches, loose, origin] of a query's units
     (rank.py's plan). */
  Engine.prototype.plan = function (text) {
    var self = this;
    return this.units(text).map(function (u) {
      return [u[0], u[1], u[2], u[0].map(function (w) { return self.matches(w, u[2]); }), u[3], u[4]];
    });
  };

  /* Fetches (once) the shards of a table that hold the given items; a Promise. */
  Engine.prototype.need = function (key, items) {
    var self = this, table = this.data.shards && this.data.shards[key], names = new Set();
    if (!table) return Promise.resolve();
    var have = key === "docs" ? this.docs : this.postings;
    items.forEach(function (i) { if (have[i] === undefined) names.add(table.files[shardOf(table, i)]); });
    return Promise.all(Array.from(names).map(function (name) { return self.shard(key, name, false); }));
  };

  /* A Promise of a shard kept (fetched once; low: a background fetch). */
  Engine.prototype.shard = function (key, name, low) {
    var self = this, loading = this.shards.get(name);
    if (!loading) {
      loading = this.get(name, low).then(function (shard) { self.keep(key, shard); });
      loading.catch(function () { self.shards.delete(name); }); /* the next query tries again */
      this.shards.set(name, loading);
    }
    return loading;
  };

  /* Fetches, in the background and `at` at a time, every shard of a table not fetched yet. */
  Engine.prototype.prefetch = function (key, at) {
    var self = this, table = this.data.shards && this.data.shards[key];
    var names = table ? table.files.filter(function (name) { return !self.shards.has(name); }) : [];
    function next() {
      var name = names.shift();
      if (name) self.shard(key, name, true).then(next, next);
    }
    for (var k = 0; k < at; k++) next();
  };

  Engine.prototype.keep = function (key, shard) {
    var k;
    if (key === "docs") {
      for (k = 0; k < shard.docs.length; k++) this.docs[shard.first + k] = shard.docs[k];
      return;
    }
    for (k = 0; k < shard.postings.length; k++) {
      this.postings[shard.first + k] = ungaps(shard.postings[k], 2);
      this.inNames[shard.first + k] = ungaps(shard.in_names[k], 3);
    }
  };

  /* [gap, value, ...] back to [document, value, ...] (step: the entry's length) */
  function ungaps(gaps, step) {
    var p = gaps.slice();
    for (var j = 0, doc = 0; j < gaps.length; j += step) {
      doc += gaps[j];
      p[j] = doc;
    }
    return p;
  }

  /* Per document, the best score of a word's matches (found) in it: {docs, score}, where
     score[doc] is 0 for a document not in docs. */
  Engine.prototype.best = function (found, weight) {
    var postings = this.postings, score = new Float64Array(this.docs.length), docs = [];
    found.forEach(function (factor, i) {
      var m = weight * factor, p = postings[i];
      for (var k = 0; k < p.length; k += 2) {
        var s = m * p[k + 1], doc = p[k];
        if (s > score[doc]) {
          if (score[doc] === 0) docs.push(doc);
          score[doc] = s;
        }
      }
    });
    return { docs: docs, score: score };
  };

  /* [score, document] of the best `limit` documents, best first (rank.py's rank). */
  Engine.prototype.rank = function (plan, limit) {
    var self = this, n = this.docs.length, scores = new Float64Array(n);
    var seen = new Uint8Array(n), all = [];
    var typed = plan.filter(function (u) { return u[2]; }).length;
    if (!typed) return [];
    var covered = new Float64Array(n * typed); /* per document, how far each word typed is matched */
    var part = this.q.broader_part, inNames = this.inNames;
    /* how far each form counts in a name (rank.py: all of it, but a prefix), and per document,
       per name, how much of it the forms matched are (per cent x that) */
    var factors = new Map(), named = new Map(), most = new Float64Array(n), prefix = this.q.prefix;
    plan.forEach(function (unit) {
      unit[3].forEach(function (found) {
        found.forEach(function (factor, i) {
          var f = factor === prefix ? Math.round(100 * prefix) : 100;
          factors.set(i, Math.max(factors.get(i) || 0, f));
        });
      });
    });
    factors.forEach(function (f, i) {
      var p = inNames[i];
      for (var k = 0; k < p.length; k += 3) { /* a document's name: doc x 32 + name (30 at most) */
        var key = p[k] * 32 + p[k + 1], v = (named.get(key) || 0) + p[k + 2] * f;
        named.set(key, v);
        if (v > most[p[k]]) most[p[k]] = v; /* the best-matched name's, as sums only grow */
      }
    });
    plan.forEach(function (unit) {
      /* per document, the sum of the unit's words it has, and how many it has (rank.py) */
      var term = unit[0], weight = unit[1], best = self.best(unit[3][0], weight);
      var count = term.length > 1 ? new Map() : null;
      if (count) best.docs.forEach(function (doc) { count.set(doc, 1); });
      unit[3].slice(1).forEach(function (found) {
        var more = self.best(found, weight);
        more.docs.forEach(function (doc) {
          if (!count.has(doc)) { count.set(doc, 0); best.docs.push(doc); }
          best.score[doc] += more.score[doc];
          count.set(doc, count.get(doc) + 1);
        });
      });
      best.docs.forEach(function (doc) {
        var has = count ? count.get(doc) : 1, whole = has === term.length;
        if (!whole && !unit[4]) return;
        if (!seen[doc]) { seen[doc] = 1; all.push(doc); }
        scores[doc] += (whole ? 1.0 : part) * best.score[doc] / term.length;
        var c = whole ? weight : weight * part * has / term.length; /* rank.py says why */
        unit[5].forEach(function (at) {
          covered[doc * typed + at] = Math.min(1.0, covered[doc * typed + at] + c);
        });
      });
    });
    var name = this.q.name;
    var final = all.map(function (doc) {
      var sum = 0;
      for (var at = 0; at < typed; at++) sum += covered[doc * typed + at];
      var share = sum / typed;
      var namedShare = self.unnamed.has(doc) ? 1.0 : Math.min(10000, most[doc]) / 10000;
      return [scores[doc] * (0.5 + 0.5 * share) * (name + (1 - name) * namedShare), doc];
    });
    final.sort(function (a, b) { return (b[0] - a[0]) || (a[1] - b[1]); });
    if (final.length) { /* a result far below the first is noise, not a choice */
      var floor = this.q.floor * final[0][0];
      final = final.filter(function (pair) { return pair[0] >= floor; });
    }
    return final.slice(0, limit);
  };

  /* A Promise of the results of a query: the shards it needs are fetched first. Once a first
     query is answered, the documents' shards are fetched in the background (when the engine
     was opened with prefetch), so that the next letters typed wait for postings at most. */
  Engine.prototype.search = function (text, limit) {
    var self = this, plan = this.plan(text), forms = [];
    limit = limit || 10;
    plan.forEach(function (unit) { unit[3].forEach(function (found) { found.forEach(function (_, i) { forms.push(i); }); }); });
    return this.need("postings", forms).then(function () {
      var ranked = self.rank(plan, limit);
      return self.need("docs", ranked.map(function (pair) { return pair[1]; })).then(function () {
        if (self.prefetchDocs && ranked.length) { self.prefetchDocs = false; self.prefetch("docs", 3); }
        return ranked.map(function (pair, i) { return self.result(i + 1, pair[1], pair[0]); });
      });
    });
  };

  Engine.prototype.result = function (rank, doc, score) {
    var d = this.docs[doc];
    var out = {rank: rank, id: d.id, kind: d.kind, title: d.title, summary: d.summary, url: d.url,
               score: score};
    if (d.by !== null) out.handler = this.data.handlers[d.by];
    return out;
  };

  function fetchJSON(url, low) {
    return fetch(url, { credentials: "same-origin", priority: low ? "low" : "auto" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  /* A Promise of an engine over the index whose head is at url; its shards are fetched from
     beside it, as the queries need them. options.getJSON(url, low): a Promise of a file's JSON
     (fetch by default; low: a background fetch); options.prefetch: false to fetch the
     documents' shards only as results show them (by default the rest follow a first query). */
  function open(url, options) {
    var getJSON = (options && options.getJSON) || fetchJSON;
    return getJSON(url).then(function (head) {
      var engine = new Engine(head, function (name, low) { return getJSON(new URL(name, url).href, low); });
      engine.prefetchDocs = !options || options.prefetch !== false;
      return engine;
    });
  }

  return {fold: fold, distance: distance, Engine: Engine, open: open, getJSON: fetchJSON,
          load: function (data) { return new Engine(data); }};
}));
