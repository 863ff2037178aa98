/*
 * kb's search query recipe for lunr.js 2.3.9, the same as generator/formats/search_index.py:
 * every word goes through the index's search pipeline (trimmer, stop words, stemmer);
 * its stem is looked up exactly, as a prefix (a partial word) and at edit distance 1
 * (a misspelling), with falling boosts.
 *
 * Node:   var kb = require("./kb-query.js")(lunr); kb.search(index, "pot hole")
 * Worker: importScripts("kb-query.js"); var kb = self.kbQuery(lunr)
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory
  else root.kbQuery = factory
})(this, function (lunr) {
  "use strict"
  var EXACT = 10, PREFIX = 2, FUZZY = 1, PREFIX_MIN = 2, FUZZY_MIN = 4
  var SEPARATOR = /[\s\-]+/

  /* The stems of a query's words after the index's search pipeline (stop words dropped). */
  function stems(index, text) {
    var out = []
    text.toLowerCase().split(SEPARATOR).forEach(function (word) {
      word = word.replace(/^[*+]+|[*+]+$/g, "")
      if (!word) return
      index.pipeline.runString(word).forEach(function (stem) {
        if (stem && out.indexOf(stem) === -1) out.push(stem)
      })
    })
    return out
  }

  function clauses(query, list) {
    list.forEach(function (stem) {
      query.term(stem, { usePipeline: false, boost: EXACT })
      if (stem.length >= PREFIX_MIN)
        query.term(stem, { usePipeline: false, boost: PREFIX,
                           wildcard: lunr.Query.wildcard.TRAILING })
      if (stem.length >= FUZZY_MIN)
        query.term(stem, { usePipeline: false, boost: FUZZY, editDistance: 1 })
    })
  }

  /* Results of a query: lunr's [{ref, score, matchData}], best first. */
  function search(index, text) {
    var list = stems(index, text)
    if (!list.length) return []
    return index.query(function (q) { clauses(q, list) })
  }

  /* True when a matched index token came from this stem (exact, prefix or one edit away). */
  function near(token, stem) {
    if (token.lastIndexOf(stem, 0) === 0) return true
    if (stem.length < FUZZY_MIN || Math.abs(token.length - stem.length) > 1) return false
    var i = 0, j = 0, edits = 0
    while (i < token.length && j < stem.length) {
      if (token[i] === stem[j]) { i++; j++; continue }
      if (++edits > 1) return false
      if (token.length > stem.length) i++
      else if (token.length < stem.length) j++
      else { i++; j++ }
    }
    return edits + (token.length - i) + (stem.length - j) <= 1
  }

  return { stems: stems, clauses: clauses, search: search, near: near }
})
