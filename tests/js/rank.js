// Runs kb's search ranking (generator/engine/theme/kb/search/rank.js) on an index and questions.
// node rank.js INDEX.json QUESTIONS.json LIMIT -> JSON: per question, [[kind:id, score], ...]
// INDEX.json is a head (its shards beside it, fetched as the questions need them, as a browser
// does) or a whole index.
"use strict"
const fs = require("fs")
const { pathToFileURL, fileURLToPath } = require("url")
const kbSearch = require("../../generator/engine/theme/kb/search/rank.js")
const [indexFile, questionsFile, limit] = process.argv.slice(2)
const fetched = []
const getJSON = url => new Promise(resolve => {
  fetched.push(url)
  resolve(JSON.parse(fs.readFileSync(fileURLToPath(url), "utf-8")))
})
const questions = JSON.parse(fs.readFileSync(questionsFile, "utf-8"))
kbSearch.open(pathToFileURL(indexFile).href, { getJSON, prefetch: false }).then(async engine => {
  const out = []
  for (const q of questions) {
    out.push((await engine.search(q, Number(limit))).map(r => [`${r.kind}:${r.id}`, r.score]))
  }
  process.stdout.write(JSON.stringify({ results: out, fetched: fetched.length }))
})
