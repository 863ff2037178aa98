// Loads a prebuilt kb search index in lunr.js 2.3.9 and answers queries with kb's recipe.
// node search.js INDEX.json LUNR_LANGUAGES_DIR QUERY... -> JSON [[ref, score], ...] per query
"use strict"
const fs = require("fs")
const path = require("path")
const lunr = require("./lunr-2.3.9.js")
const [indexFile, langDir, ...queries] = process.argv.slice(2)
const data = JSON.parse(fs.readFileSync(indexFile, "utf-8"))
if (data.lang !== "en") {
  require(path.join(langDir, "lunr.stemmer.support.min.js"))(lunr)
  require(path.join(langDir, `lunr.${data.lang}.min.js`))(lunr)
}
const kb = require("../../generator/engine/theme/assets/javascripts/workers/kb-query.js")(lunr)
const index = lunr.Index.load(data.index)
const out = queries.map(q => kb.search(index, q).slice(0, 5).map(r => [r.ref, r.score]))
process.stdout.write(JSON.stringify(out))
