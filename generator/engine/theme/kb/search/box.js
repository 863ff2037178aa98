/* kb's search boxes, whatever engine laid out the pages: the resident home page's box
   (kb-home.html) and the box in the header of every page of both sites (partials/search.html),
   one implementation. Results as you type, ranked by kb/search/rank.js over the site's
   api/v2/<lang>/search.json (the ranking of `kb search`): the name, the one-line summary and who
   handles it with their phone (on the agent site, their transfer line).

   Keyboard first: Down arrow goes into the results (links), Up and Down move, Escape comes back
   to the field; Enter in the field opens the first result. The result count is announced
   (role=status). The header's box is in a dialog: its button, "/" or "s" opens it; Escape or the
   close button closes it, and the focus goes back where it was. Without JavaScript, or until the
   index has loaded, the forms go to the A to Z page, and the header shows a link to it.
   Needs kb/search/rank.js, loaded before it. */
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

  /* The one place an index is loaded: a promise of an engine whose search(q, limit) gives a
     promise of the results. Its head first; its shards come as queries need them. */
  function loadIndex(url) {
    if (!INDEXES[url]) INDEXES[url] = window.kbSearch.open(url);
    return INDEXES[url];
  }

  function phoneLink(number) {
    return el("a", { href: "tel:" + number.replace(/[^0-9+]/g, ""), dir: "ltr" }, number);
  }

  /* One result: its name (a link), its summary, and who handles it with how to reach them
     (`transfer`: the agent site's word before a transfer line). */
  function resultNode(r, where, transfer) {
    var li = el("li", { "class": "kb-search-result" });
    li.appendChild(el("a", { href: where(r.url), "class": "kb-search-result__title" }, r.title));
    if (r.summary) li.appendChild(el("p", { "class": "kb-search-result__summary" }, r.summary));
    var h = r.handler;
    var line = h ? (transfer && h.transfer) || h.phone : "";
    if (h && (line || h.name !== r.title)) {
      var who = el("p", { "class": "kb-search-result__handler" });
      if (h.name !== r.title) who.appendChild(el("span", {}, h.name));
      if (line) {
        if (who.childNodes.length) who.appendChild(document.createTextNode(" · "));
        if (transfer && h.transfer) who.appendChild(document.createTextNode(transfer + ": "));
        who.appendChild(phoneLink(line));
      }
      li.appendChild(who);
    }
    return li;
  }

  /* A search box: a form with a search field, a status line and a results list. Returns what the
     dialog needs: its field, and load() that starts loading the index. */
  function wire(form) {
    var input = form.querySelector("input[type=search]");
    var status = form.querySelector("[data-kb-search-status]");
    var list = form.querySelector("[data-kb-search-results]");
    /* The addresses as they are now: the header stays through Material's instant navigation,
       and its relative addresses would then point elsewhere. */
    form.setAttribute("action", form.action);
    /* The language's folder (form.action is <lang>/a-z/); the site's root is above it. Both
       are reached from the language's folder, so that the preview (kb serve), which serves one
       language at the top, finds its index at api/v2/ and its pages where they are. */
    var lang = form.getAttribute("data-kb-lang");
    var home = new URL("../", form.action);
    var url = new URL("../api/v2/" + lang + "/search.json", home).href;
    var transfer = form.getAttribute("data-kb-transfer");

    function where(address) { /* a result's address in the index is from the site's root */
      var mine = address.lastIndexOf(lang + "/", 0) === 0;
      return new URL(mine ? address.slice(lang.length + 1) : "../" + address, home).href;
    }
    var engine = null, loading = null, asked = 0, pending = null;

    function links() { return Array.prototype.slice.call(list.querySelectorAll(".kb-search-result__title")); }

    function show(q, results) {
      list.removeAttribute("aria-busy");
      list.textContent = "";
      results.forEach(function (r) { list.appendChild(resultNode(r, where, transfer)); });
      list.hidden = !results.length;
      status.textContent = !q ? "" : results.length === 1
        ? form.getAttribute("data-kb-count-one")
        : fill(form.getAttribute("data-kb-count-other"), { count: results.length });
      if (window.kbSignals && q) window.kbSignals.query("site", q, results.length);
    }

    function update() {
      var q = input.value.trim(), mine = ++asked;
      if (!engine || !q) {
        show("", []);
        return;
      }
      list.setAttribute("aria-busy", "true");
      pending = Promise.resolve(engine.search(q, 10)).then(function (results) {
        if (mine === asked) show(q, results); /* an older query's answer, come late, is dropped */
        return mine === asked;
      }, function () { /* a shard did not come: the next keystroke tries again */
        if (mine === asked) list.removeAttribute("aria-busy");
        return false;
      });
    }

    function load() {
      if (!loading) {
        loading = loadIndex(url).then(function (loaded) {
          engine = loaded;
          if (input.value.trim()) update();
        }, function () { /* no index (a preview): the form still goes to the A to Z page */ });
      }
      return loading;
    }

    function opened(link) { /* the search signal of a site with feedback on (kb/feedback.js) */
      if (window.kbSignals) window.kbSignals.opened("site", link.href, links().indexOf(link) + 1);
    }

    input.addEventListener("input", update);
    list.addEventListener("click", function (e) {
      var link = e.target.closest ? e.target.closest(".kb-search-result__title") : null;
      if (link) {
        opened(link);
        form.dispatchEvent(new CustomEvent("kb-search-opened", { bubbles: true }));
      }
    });
    function go(first) {
      opened(first);
      location.assign(first.href);
    }
    form.addEventListener("submit", function (e) {
      if (list.hasAttribute("aria-busy") && pending) {
        /* Enter typed before the last letters' results came: open their first, not the one of
           the letters before (a hurried caller's question would go to the wrong page) */
        e.preventDefault();
        var mine = asked;
        pending.then(function (shown) {
          var first = links()[0];
          if (shown && mine === asked && first) go(first);
          else if (shown && mine === asked) form.submit(); /* nothing ranked: the A to Z page */
        });
        return;
      }
      var first = links()[0];
      if (!first) return; /* nothing ranked (or no index): the A to Z page */
      e.preventDefault();
      go(first);
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
        e.preventDefault(); /* back to the field; a dialog stays open */
        input.focus();
      }
    });
    return { input: input, load: load };
  }

  /* The header's box: the link to the A to Z page gives way to a button that opens the dialog. */
  function wireHeader(dialog) {
    var form = dialog.querySelector("[data-kb-search-box]");
    var scope = dialog.parentNode;
    var open = scope.querySelector("[data-kb-search-open]");
    var az = scope.querySelector("[data-kb-search-az]");
    if (!open || typeof dialog.showModal !== "function") return null; /* the link stays */
    Array.prototype.forEach.call(dialog.querySelectorAll("a[href]"), function (a) {
      a.setAttribute("href", a.href); /* as the form's action: the header outlives a page */
    });
    var box = wire(form);
    var back = null;
    if (az) az.hidden = true;
    open.hidden = false;

    function show() {
      if (dialog.open) return;
      back = document.activeElement;
      box.load();
      dialog.showModal();
      box.input.focus();
      box.input.select();
    }

    function close() { if (dialog.open) dialog.close(); }

    open.addEventListener("click", show);
    open.addEventListener("pointerenter", box.load); /* the index is on its way before the click */
    dialog.querySelector("[data-kb-search-close]").addEventListener("click", close);
    dialog.addEventListener("click", function (e) { /* on the backdrop, not the dialog's own margin */
      var r = dialog.getBoundingClientRect();
      if (e.target === dialog && (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top
                                  || e.clientY > r.bottom)) close();
    });
    form.addEventListener("kb-search-opened", close);
    box.input.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      e.preventDefault(); /* closes the dialog at once (a search field would first empty itself) */
      close();
    });
    dialog.addEventListener("close", function () {
      if (window.kbSignals) window.kbSignals.left("site");
      if (back && back.isConnected && back.focus) back.focus(); else open.focus();
      back = null;
    });
    document.addEventListener("keydown", function (e) {
      if ((e.key !== "/" && e.key !== "s") || e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (document.querySelector("[data-kb-console]")) return; /* the console's "/" is its own */
      e.preventDefault();
      show();
    });
    return { close: close };
  }

  var header = null;

  function onPage() {
    if (!window.kbSearch) return;
    var dialog = document.querySelector("[data-kb-search-dialog]");
    if (dialog && !dialog.kbSearchBox) {
      dialog.kbSearchBox = true;
      header = wireHeader(dialog);
    } else if (header) {
      header.close(); /* a new page (instant navigation) */
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-kb-search-box=home]"), function (form) {
      if (form.kbSearchBox) return;
      form.kbSearchBox = true;
      wire(form).load();
    });
  }

  window.kbOnPage(onPage); /* kb.js */
})();
