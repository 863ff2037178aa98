/*
 * Material's search worker with kb's query recipe (kb-query.js).
 *
 * Material sends each word with a trailing wildcard and no pipeline ("potholes*"), which
 * cannot match a stemmed index ("pothol"). This worker loads Material's own worker unchanged
 * and gives lunr's Index#search the recipe kb uses everywhere: stemmed words, looked up
 * exactly, as a prefix and one edit away. Queries with lunr syntax (+word, -word, field:,
 * ~, ^) keep Material's behaviour.
 */
(function () {
  "use strict"
  var name = new URLSearchParams(self.location.search).get("m") || ""
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(name)) throw new Error("kb-search: bad worker name")
  importScripts(name, "kb-query.js")
  var lunr = self.lunr
  var kb = self.kbQuery(lunr)
  var material = lunr.Index.prototype.search

  lunr.Index.prototype.search = function (queryString) {
    if (/(^|\s)[+-]|[~^:]/.test(queryString)) return material.call(this, queryString)
    var words = queryString.toLowerCase().split(/\s+/)
      .map(function (w) { return w.replace(/\*+$/, "") })
      .filter(Boolean)
    var index = this
    var results = kb.search(index, words.join(" "))

    /* Material ranks by how many of the typed words a result matched, comparing the typed
       word with the matched index tokens: name the typed word when its stem matched. */
    var stemOf = {}
    words.forEach(function (w) {
      var s = index.pipeline.runString(w)
      if (s.length) stemOf[w] = s[0]
    })
    results.forEach(function (r) {
      var tokens = Object.keys(r.matchData.metadata)
      Object.keys(stemOf).forEach(function (w) {
        if (r.matchData.metadata[w]) return
        for (var i = 0; i < tokens.length; i++)
          if (kb.near(tokens[i], stemOf[w])) { r.matchData.metadata[w] = {}; return }
      })
    })
    return results
  }
})()
