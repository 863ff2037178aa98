// Runs kb's search ranking (generator/engine/theme/kb/search/rank.js) on an index and questions.
// node rank.js INDEX.json QUESTIONS.json LIMIT -> JSON: per question, [[kind:id, score], ...]
"use strict"
const fs = require("fs")
const kbSearch = require("../../generator/engine/theme/kb/search/rank.js")
const [indexFile, questionsFile, limit] = process.argv.slice(2)
const engine = kbSearch.load(JSON.parse(fs.readFileSync(indexFile, "utf-8")))
const questions = JSON.parse(fs.readFileSync(questionsFile, "utf-8"))
const out = questions.map(q => engine.search(q, Number(limit)).map(r => [`${r.kind}:${r.id}`, r.score]))
process.stdout.write(JSON.stringify(out))
