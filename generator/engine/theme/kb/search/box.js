/* The resident site's home search box, kb's own: results as you type, ranked by kb/search/rank.js
   over the public site's api/v2/<lang>/search.json (the ranking of `kb search`), whatever engine
   laid out the pages. Keyboard first: Down arrow goes into the results (links), Up and Down move,
   Escape comes back to the field; Enter in the field opens the first result. The result count is
   announced (role=status). Without JavaScript, or until the index has loaded, the form goes to
   the A to Z page. Needs kb/search/rank.js, loaded before it. */
(function () {
  "use strict";

  var INDEXES = {};

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (m, key) {
      return values[key] === undefined ? m : values[key];
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function loadIndex(url) { /* the index's head; its shards come as queries need them */
    if (!INDEXES[url]) INDEXES[url] = window.kbSearch.open(url);
    return INDEXES[url];
  }

  function resultNode(r, root) {
    var li = el("li", { "class": "kb-search-result" });
    li.appendChild(el("a", { href: new URL(r.url, root).href, "class": "kb-search-result__title" }, r.title));
    if (r.summary) li.appendChild(el("p", { "class": "kb-search-result__summary" }, r.summary));
    var h = r.handler;
    if (h && (h.phone || h.name !== r.title)) { /* who handles it, and how to reach them */
      var who = el("p", { "class": "kb-search-result__handler" });
      if (h.name !== r.title) who.appendChild(el("span", {}, h.name));
      if (h.phone) {
        if (who.childNodes.length) who.appendChild(document.createTextNode(" · "));
        who.appendChild(el("a", { href: "tel:" + h.phone.replace(/[^0-9+]/g, ""), dir: "ltr" }, h.phone));
      }
      li.appendChild(who);
    }
    return li;
  }

  function wire(form) {
    if (form.kbSearchBox) return;
    form.kbSearchBox = true;
    var input = form.querySelector("input[type=search]");
    var status = form.querySelector("[data-kb-search-status]");
    var list = form.querySelector("[data-kb-search-results]");
    var root = new URL("../../", form.action); /* the site's root: form.action is <lang>/a-z/ */
    var lang = form.getAttribute("data-kb-lang");
    var engine = null, asked = 0;

    function links() { return Array.prototype.slice.call(list.querySelectorAll(".kb-search-result__title")); }

    function update() {
      var q = input.value.trim(), mine = ++asked;
      list.setAttribute("aria-busy", "true");
      (engine && q ? engine.search(q, 10) : Promise.resolve([])).then(function (results) {
        if (mine === asked) show(q, results); /* else a newer query's answer is coming */
      }, function () { /* a shard did not come: the next keystroke tries again */
        if (mine === asked) list.removeAttribute("aria-busy");
      });
    }

    function show(q, results) {
      list.removeAttribute("aria-busy");
      list.textContent = "";
      results.forEach(function (r) { list.appendChild(resultNode(r, root)); });
      list.hidden = !results.length;
      status.textContent = !engine || !q ? "" : results.length === 1
        ? form.getAttribute("data-kb-count-one")
        : fill(form.getAttribute("data-kb-count-other"), { count: results.length });
      if (window.kbSignals && engine && q) window.kbSignals.query("home", q, results.length);
    }

    function opened(link) { /* the search signal of a site with feedback on (kb/feedback.js) */
      if (window.kbSignals) window.kbSignals.opened("home", link.href, links().indexOf(link) + 1);
    }

    input.addEventListener("input", update);
    list.addEventListener("click", function (e) {
      var link = e.target.closest ? e.target.closest(".kb-search-result__title") : null;
      if (link) opened(link);
    });
    form.addEventListener("submit", function (e) {
      var first = links()[0];
      if (!first) return; /* nothing ranked (or no index): the A to Z page */
      e.preventDefault();
      opened(first);
      location.assign(first.href);
    });
    form.addEventListener("keydown", function (e) {
      var all = links(), at = all.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && all.length) {
        e.preventDefault();
        all[Math.min(at + 1, all.length - 1)].focus();
      } else if (e.key === "ArrowUp" && at >= 0) {
        e.preventDefault();
        if (at === 0) input.focus(); else all[at - 1].focus();
      } else if (e.key === "Escape" && at >= 0) {
        input.focus();
      }
    });
    loadIndex(new URL("api/v2/" + lang + "/search.json", root).href).then(function (loaded) {
      engine = loaded;
      if (input.value.trim()) update();
    }, function () { /* no index (a preview): the form still goes to the A to Z page */ });
  }

  function onPage() {
    var form = document.querySelector("[data-kb-home-search]");
    if (form && window.kbSearch) wire(form);
  }

  window.kbOnPage(onPage); /* kb.js */
})();
