"""kb's search: one index per language and audience, one ranking (docs/search.md).

``index`` makes the index from the model; ``shards`` writes it as ``api/v2/<lang>/search.json``
(the head) and shards a front end fetches as queries need them (``schema``: their JSON Schemas);
``rank`` answers a query from the whole index, in pure Python.
``generator/engine/theme/kb/search/rank.js`` is the same ranking for the browser, step for step
(tests/test_search_v2.py runs both on the same questions and compares the results, scores
included).
"""
