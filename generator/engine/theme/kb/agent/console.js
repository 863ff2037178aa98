/* Agent console (agent site only): search as you type, open-now, scripts with a copy button,
   the caller's language. Data: <lang>/console.json, written by the export stage; results are
   ranked by kb/search/rank.js over the agent site's api/v2/<lang>/search.json (the same ranking
   as `kb search`). Needs kb/search/rank.js and kb/agent/hours.js, loaded before it. */
(function () {
  "use strict";

  var kb = window.kbAgent; /* hours.js */
  var openStatus = kb.openStatus;
  var timeText = kb.timeText, weekdayText = kb.weekdayText;
  var DATA_CACHE = {};
  var ROOT = document.currentScript ? new URL("../../", document.currentScript.src) : null;

  /* --- small helpers ------------------------------------------------------------------------- */

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (m, key) {
      return values[key] === undefined ? m : values[key];
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "html") node.innerHTML = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function loadJSON(url) { /* each file once: rank.js's fetch, kept */
    if (!DATA_CACHE[url]) DATA_CACHE[url] = window.kbSearch.getJSON(url);
    return DATA_CACHE[url];
  }

  /* Relative links in HTML from a JSON file are relative to that file's folder. */
  function absolutize(node, base) {
    node.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^([a-z]+:|#|\/)/i.test(href)) return;
      a.setAttribute("href", new URL(href, base).href);
    });
    return node;
  }

  function tel(number) { return "tel:" + String(number).replace(/[^0-9+]/g, ""); }

  function phoneLink(number) { return el("a", { href: tel(number), text: number }); }

  /* opts.afterHours: add the after-hours line when closed; opts.links: numbers as tel: links */
  function statusNode(data, dept, now, opts) {
    var st = openStatus(data, dept, now), s = data.strings;
    if (!st) return null;
    var words_;
    if (st.open) {
      words_ = s.open_now + " · " + fill(s.closes_at, { time: timeText(data.lang, st.closes) });
    } else {
      words_ = s.closed_now;
      if (st.reason) words_ += " · " + fill(s.closed_for, { name: st.reason });
      if (st.next) {
        words_ += " · " + fill(s.opens_at, { day: weekdayText(data.lang, st.next.weekday),
                                             time: timeText(data.lang, st.next.at) });
      }
    }
    var node = el("span", { "class": "kb-open " + (st.open ? "kb-open--yes" : "kb-open--no"),
                            "data-kb-open": st.open ? "open" : "closed" },
                  [el("span", { text: words_ })]);
    if (!st.open && dept.after_hours_line && opts.afterHours) {
      var after = el("span", { "class": "kb-after-hours" });
      var parts = fill(s.after_hours, { number: "\u0000" }).split("\u0000");
      after.appendChild(document.createTextNode(" · " + parts[0]));
      after.appendChild(opts.links ? phoneLink(dept.after_hours_line)
                                   : el("span", { text: dept.after_hours_line }));
      after.appendChild(document.createTextNode(parts[1] || ""));
      node.appendChild(after);
    }
    return node;
  }

  /* --- the console's results ----------------------------------------------------------------- */

  /* What the console shows of each document the index can return, by the index's kind and id. */
  function itemsOf(data) {
    var items = { service: {}, article: {}, department: data.departments };
    data.services.forEach(function (svc) { items.service[svc.id] = svc; });
    data.articles.forEach(function (art) { items.article[art.id] = art; });
    return items;
  }

  /* The results of the index's ranking, as the console's entries: the result's kind (a service,
     an answer, a city department or a partner agency), its data in console.json and who
     handles it (the index's handler: a department or partner, with its transfer line). */
  function entriesFor(found, items) {
    var out = [];
    found.forEach(function (r) {
      var item = items[r.kind] && items[r.kind][r.id];
      if (!item) return;
      var kind = r.kind === "article" ? "answer"
        : r.kind === "department" ? (item.kind === "partner" ? "partner" : "department") : r.kind;
      out.push({ kind: kind, id: r.id, title: item.name || item.title, item: item, url: item.url,
                 handler: r.handler || null });
    });
    return out;
  }

  /* The department console.json has for a handler of the index (with its hours), else what the
     index says of it. */
  function handlerDept(data, handler) {
    if (!handler) return null;
    return data.departments[handler.id] || { id: handler.id, name: handler.name, kind: handler.kind,
      phone: handler.phone, transfer_line: handler.transfer || "", jurisdiction: [], hours: null };
  }

  /* Where the caller goes: a service's transfer target, else who handles the result (a service's
     department, an answer's service's department; a department or partner itself). */
  function targetOf(data, entry) {
    if (entry.kind === "service" && entry.item.transfer) return data.departments[entry.item.transfer.to];
    if (entry.kind === "department" || entry.kind === "partner") return entry.item;
    if (entry.kind === "service") return data.departments[entry.item.department] || handlerDept(data, entry.handler);
    return handlerDept(data, entry.handler);
  }

  function lineOf(dept) { return dept ? dept.transfer_line || dept.phone || "" : ""; }

  function resultNode(data, entry, index, now) {
    var s = data.strings, item = entry.item;
    var kindText = { service: s.kind_service, answer: s.kind_answer, department: s.kind_department,
                     partner: s.kind_partner }[entry.kind];
    var li = el("li", { role: "option", id: "kb-console-option-" + index, "aria-selected": "false",
                        "class": "kb-result kb-result--" + entry.kind, "data-kb-url": entry.url }, [
      el("span", { "class": "kb-result__kind", text: kindText }),
      el("span", { "class": "kb-result__name", text: entry.title })
    ]);
    var summary = item.summary || item.description || "";
    if (summary) li.appendChild(el("span", { "class": "kb-result__summary", text: summary }));
    var meta = el("span", { "class": "kb-result__meta" });
    function add(node) { if (node) { if (meta.childNodes.length) meta.appendChild(document.createTextNode(" · ")); meta.appendChild(node); } }
    if (entry.kind === "service" || entry.kind === "answer") {  /* who handles it */
      var owner = entry.kind === "service" && data.departments[item.department]
        || handlerDept(data, entry.handler);
      if (owner) add(el("span", { "class": "kb-result__dept", text: owner.name }));
    }
    if (entry.kind === "partner" && item.jurisdiction.length) {
      add(el("span", { text: fill(s.handles, { what: item.jurisdiction.join("; ") }) }));
    }
    var target = targetOf(data, entry);
    if (target && lineOf(target)) {
      var tr = el("span", { "class": "kb-result__transfer" });
      tr.appendChild(document.createTextNode(s.transfer + ": "));
      tr.appendChild(el("span", { "class": "kb-result__line", text: lineOf(target) }));
      if (entry.kind === "service" && item.transfer) tr.appendChild(document.createTextNode(" (" + target.name + ")"));
      add(tr);
    }
    add(target ? statusNode(data, target, now, { afterHours: true }) : null);
    if (entry.kind === "service" && item.response_time) {
      add(el("span", { "class": "kb-result__response", text: fill(s.response_time, { time: item.response_time }) }));
    }
    if (entry.kind === "answer" && item.audience === "agent") add(el("span", { text: s.agents_only }));
    if (meta.childNodes.length) li.appendChild(meta);
    return li;
  }

  /* Agent fields are never translated: in another language's console, say they are in the source
     language (and its direction), so screen readers and right-to-left pages show them right. */
  function inSource(data, node) {
    if (data.lang === data.source) return node;
    var src = data.languages.filter(function (lg) { return lg.code === data.source; })[0];
    node.setAttribute("lang", data.source);
    node.setAttribute("dir", src ? src.dir : "ltr");
    return node;
  }

  /* --- copy buttons ----------------------------------------------------------------------------- */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { "aria-hidden": "true", style: "position:fixed;left:-9999px" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      area.remove();
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }

  /* The words of a script block, without its title and its button. */
  function scriptText(block) {
    var parts = [];
    Array.prototype.forEach.call(block.children, function (child) {
      if (child.matches(".admonition-title, .kb-copy, .kb-copy-status")) return;
      parts.push((child.innerText || child.textContent).trim());
    });
    return parts.filter(Boolean).join("\n\n");
  }

  function addCopyButton(block, s) {
    if (block.querySelector(".kb-copy")) return;
    var button = el("button", { type: "button", "class": "md-button kb-copy", "data-kb-copy": "", text: s.copy });
    var status = el("span", { "class": "kb-copy-status", role: "status", "aria-live": "polite" });
    button.addEventListener("click", function () {
      copyText(scriptText(block)).then(function () {
        status.textContent = s.copied;
      }, function () {
        status.textContent = s.copy_failed;
      });
    });
    var title = block.querySelector(".admonition-title");
    if (title) title.after(button, status); else block.prepend(button, status);
  }

  function wireCopyButtons(strings) {
    document.querySelectorAll(".md-content .admonition.say").forEach(function (b) { addCopyButton(b, strings); });
  }

  /* --- the console ------------------------------------------------------------------------------- */

  function Console(root, data, engine) {
    this.root = root;
    this.data = data;
    this.dataUrl = new URL(root.getAttribute("data-kb-data"), location.href);
    this.engine = engine;
    this.items = itemsOf(data);
    this.input = root.querySelector("#kb-console-q");
    this.list = root.querySelector("#kb-console-results");
    this.detail = root.querySelector("#kb-console-detail");
    this.status = root.querySelector("#kb-console-status");
    this.langSelect = root.querySelector("#kb-console-lang");
    this.results = [];
    this.active = -1;
    this.wire();
  }

  Console.prototype.wire = function () {
    var self = this, data = this.data;
    data.languages.forEach(function (lg) {
      if (lg.code === data.lang) return;
      self.langSelect.appendChild(el("option", { value: lg.code, lang: lg.code, text: lg.name }));
    });
    this.langSelect.closest(".kb-console__lang").hidden = data.languages.length < 2;
    var phones = phonesNode(data);
    if (phones.childNodes.length) this.root.querySelector("#kb-console-hint").after(phones);
    this.input.addEventListener("input", function () { self.update(); });
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    this.langSelect.addEventListener("change", function () { self.showDetail(); });
    this.list.addEventListener("click", function (e) {
      var li = e.target.closest("[role=option]");
      if (!li) return;
      e.preventDefault();
      self.select(Array.prototype.indexOf.call(self.list.children, li));
      self.open();
    });
    if (this.input.value) this.update();
  };

  Console.prototype.update = function () {
    var self = this, mine = this.asked = (this.asked || 0) + 1;
    this.list.setAttribute("aria-busy", "true");
    this.pending = this.engine.search(this.input.value, 12).then(function (found) {
      if (mine === self.asked) self.show(entriesFor(found, self.items)); /* else a newer query's is coming */
      return mine === self.asked;
    }, function () { /* a shard of the index did not come: the next keystroke tries again */
      if (mine === self.asked) self.list.removeAttribute("aria-busy");
      return false;
    });
  };

  Console.prototype.show = function (results) {
    var now = new Date(), self = this, s = this.data.strings;
    this.list.removeAttribute("aria-busy");
    this.results = results;
    this.list.textContent = "";
    this.results.forEach(function (entry, i) { self.list.appendChild(resultNode(self.data, entry, i, now)); });
    var q = this.input.value.trim();
    this.status.textContent = !q ? "" : !this.results.length ? s.no_results
      : this.results.length === 1 ? s.count_one : fill(s.count_other, { count: this.results.length });
    this.input.setAttribute("aria-expanded", this.results.length ? "true" : "false");
    this.active = -1;
    this.select(this.results.length ? 0 : -1);
  };

  /* Open now changes with the clock: redo the badges in place, leaving the rest alone. */
  Console.prototype.refreshStatus = function () {
    var self = this, now = new Date();
    function swap(old, entry, opts) {
      var target = targetOf(self.data, entry);
      var fresh = target && statusNode(self.data, target, now, opts);
      if (old && fresh) old.replaceWith(fresh);
    }
    Array.prototype.forEach.call(this.list.children, function (li, i) {
      swap(li.querySelector(".kb-open"), self.results[i], { afterHours: true });
    });
    if (this.results[this.active]) {
      swap(this.detail.querySelector(".kb-detail__transfer .kb-open"), this.results[this.active],
           { afterHours: true, links: true });
    }
  };

  Console.prototype.select = function (index) {
    var items = this.list.children;
    if (this.active >= 0 && items[this.active]) items[this.active].setAttribute("aria-selected", "false");
    this.active = index;
    if (index >= 0 && items[index]) {
      items[index].setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
    this.showDetail();
  };

  Console.prototype.key = function (e) {
    var n = this.results.length;
    if (e.key === "ArrowDown" && n) { e.preventDefault(); this.select((this.active + 1) % n); }
    else if (e.key === "ArrowUp" && n) { e.preventDefault(); this.select((this.active - 1 + n) % n); }
    else if (e.key === "Enter" && this.list.hasAttribute("aria-busy") && this.pending) {
      /* Enter typed before the last letters' results came: open the first of those, not the
         result selected for the letters before */
      e.preventDefault();
      var self = this, mine = this.asked;
      this.pending.then(function (shown) { if (shown && mine === self.asked && self.active >= 0) self.open(); });
    }
    else if (e.key === "Enter" && this.active >= 0) { e.preventDefault(); this.open(); }
    else if (e.key === "Escape") { this.input.value = ""; this.update(); }
  };

  Console.prototype.open = function () {
    var entry = this.results[this.active];
    if (entry) location.assign(new URL(entry.url, this.dataUrl).href);
  };

  Console.prototype.showDetail = function () {
    var entry = this.results[this.active], s = this.data.strings, data = this.data, self = this;
    var box = this.detail;
    box.textContent = "";
    box.hidden = !entry;
    if (!entry) return;
    var item = entry.item;
    box.appendChild(el("h2", { "class": "kb-detail__title" }, [el("a", { href: entry.url, text: entry.title })]));
    if (entry.kind === "service" && item.emergency) {
      box.appendChild(el("p", { "class": "kb-detail__emergency", text: s.emergency }));
    }
    var target = targetOf(data, entry);
    if (entry.kind === "answer") {
      if (item.summary) box.appendChild(el("p", { text: item.summary }));
      if (item.audience === "agent") box.appendChild(el("p", { "class": "kb-detail__agents", text: s.agents_only }));
    }
    if ((entry.kind === "partner" || entry.kind === "department") && item.jurisdiction.length) {
      box.appendChild(el("p", { text: fill(s.handles, { what: item.jurisdiction.join("; ") }) }));
    }
    if (entry.kind === "partner") {
      box.appendChild(el("p", { "class": "kb-detail__send", text: fill(s.send_caller, { name: item.name }) }));
    }
    if (entry.kind === "service" && item.script_html) {
      var say = el("div", { "class": "admonition say kb-detail__script" },
                   [el("p", { "class": "admonition-title", text: s.script }),
                    inSource(data, el("div", { html: item.script_html }))]);
      absolutize(say, this.dataUrl);
      box.appendChild(say);
      addCopyButton(say, s);
    }
    if (target) {
      var p = el("p", { "class": "kb-detail__transfer" });
      p.appendChild(el("strong", { text: fill(s.transfer_to, { name: target.name }) + ": " }));
      if (lineOf(target)) p.appendChild(phoneLink(lineOf(target)));
      if (entry.kind === "service" && item.transfer && item.transfer.when) {
        p.appendChild(document.createTextNode(" · "));
        p.appendChild(inSource(data, el("span", { text: fill(s.transfer_when, { when: item.transfer.when }) })));
      }
      var st = statusNode(data, target, new Date(), { afterHours: true, links: true });
      if (st) { p.appendChild(el("br")); p.appendChild(st); }
      box.appendChild(p);
    }
    [["escalation_html", s.escalation], ["notes_html", s.notes]].forEach(function (pair) {
      if (item[pair[0]]) {
        var block = el("div", { "class": "admonition agent" },
                       [el("p", { "class": "admonition-title", text: pair[1] }),
                        inSource(data, el("div", { html: item[pair[0]] }))]);
        box.appendChild(absolutize(block, self.dataUrl));
      }
    });
    if (entry.kind === "service" && item.response_time) {
      box.appendChild(el("p", { text: fill(s.response_time, { time: item.response_time }) }));
    }
    box.appendChild(el("p", {}, [el("a", { href: entry.url, "class": "md-button", text: s.open_page })]));
    this.callerLanguage(entry);
  };

  /* The resident-facing text in the caller's language beside this console's language. */
  Console.prototype.callerLanguage = function (entry) {
    var code = this.langSelect.value, data = this.data, s = data.strings, box = this.detail;
    if (!code || entry.kind !== "service") return;
    var lang = data.languages.filter(function (lg) { return lg.code === code; })[0];
    var mine = data.languages.filter(function (lg) { return lg.code === data.lang; })[0];
    var pane = el("section", { "class": "kb-caller", "aria-label": fill(s.caller_text, { language: lang.name }) });
    var phones = phonesNode(data);
    phones.className = "kb-caller__phones";
    pane.appendChild(phones);
    var columns = el("div", { "class": "kb-caller__columns" });
    function column(svc, language, base) {
      var col = el("div", { "class": "kb-caller__column", lang: language.code, dir: language.dir || "ltr" }, [
        el("h3", { lang: data.lang, dir: data.dir, text: fill(s.console_text, { language: language.name }) })
      ]);
      if (!svc) { col.appendChild(el("p", { text: s.not_translated })); return col; }
      var untranslated = svc.untranslated || [];
      function mark(node, field) { /* still in the source language: say so to screen readers */
        if (untranslated.indexOf(field) !== -1) {
          var src = data.languages.filter(function (lg) { return lg.code === data.source; })[0];
          node.setAttribute("lang", data.source);
          node.setAttribute("dir", src ? src.dir : "ltr");
        }
        return node;
      }
      col.appendChild(mark(el("p", { "class": "kb-caller__name" }, [el("strong", { text: svc.name })]), "name"));
      col.appendChild(mark(el("p", { text: svc.summary }), "summary"));
      if (svc.description_html) {
        col.appendChild(mark(absolutize(el("div", { html: svc.description_html }), base), "description"));
      }
      if (svc.response_time) col.appendChild(el("p", { text: svc.response_time }));
      return col;
    }
    columns.appendChild(column(entry.item, mine, this.dataUrl));
    var theirs = el("div", { "class": "kb-caller__column", lang: code, text: s.loading });
    columns.appendChild(theirs);
    pane.appendChild(columns);
    box.appendChild(pane);
    var url = new URL("../" + code + "/console.json", this.dataUrl);
    loadJSON(url.href).then(function (other) {
      var svc = other.services.filter(function (x) { return x.id === entry.item.id; })[0];
      var col = column(svc, lang, url);
      if (theirs.isConnected) theirs.replaceWith(col);
    }, function () {
      theirs.textContent = s.not_translated;
    });
  };

  /* The interpreter line and the TTY and text relay numbers (mkdocs.yml extra.kb.phones). */
  function phonesNode(data) {
    var s = data.strings, phones = el("p", { "class": "kb-console__phones" });
    [["interpreter", s.interpreter], ["tty", s.tty], ["text", s.text_relay]].forEach(function (pair) {
      var number = data.phones[pair[0]];
      if (!number) return;
      var parts = fill(pair[1], { number: "\u0000" }).split("\u0000");
      var span = el("span", { "class": "kb-phone--" + pair[0] });
      span.appendChild(document.createTextNode(parts[0]));
      span.appendChild(phoneLink(number));
      span.appendChild(document.createTextNode(parts[1] || ""));
      if (phones.childNodes.length) phones.appendChild(document.createTextNode(" · "));
      phones.appendChild(span);
    });
    return phones;
  }

  /* "/" anywhere on the console page brings the focus back to the search field. */
  function slashFocus(e) {
    var input = document.getElementById("kb-console-q");
    if (!input || e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) && t !== document.body) return;
    e.preventDefault();
    e.stopPropagation(); /* before Material's own "/" (which opens the header search) */
    input.focus();
    input.select();
  }
  window.addEventListener("keydown", slashFocus, true);

  function onPage() {
    var root = document.querySelector("[data-kb-console]");
    var dataUrl = root ? new URL(root.getAttribute("data-kb-data"), location.href).href
      : ROOT ? new URL("console.json", ROOT).href : null;
    if (!dataUrl) return;
    if (root) {
      var input = root.querySelector("#kb-console-q");
      input.focus();
      root.querySelector("#kb-console-status").textContent = "";
    }
    loadJSON(dataUrl).then(function (data) {
      wireCopyButtons(data.strings);
      document.querySelectorAll("[data-kb-dept]").forEach(function (slot) { /* transfer directory */
        var node = statusNode(data, data.departments[slot.getAttribute("data-kb-dept")], new Date(), {});
        slot.textContent = "";
        if (node) { slot.appendChild(node); slot.appendChild(document.createTextNode(" · ")); }
      });
      if (!root || root.kbConsole) return null;
      /* the agent site's search index, beside the language folders (under the site's sub-path) */
      return window.kbSearch.open(new URL(data.index, dataUrl).href).then(function (engine) {
        if (root.kbConsole) return;
        root.kbConsole = new Console(root, data, engine);
        /* open-now and alerts change with the clock: refresh the shown results every minute */
        setInterval(function () { if (root.isConnected) root.kbConsole.refreshStatus(); }, 60000);
      });
    }).catch(function () {
      if (root) root.querySelector("#kb-console-status").textContent = root.getAttribute("data-kb-failed") || "";
    });
  }

  window.kbOnPage(onPage); /* kb.js */

})();
