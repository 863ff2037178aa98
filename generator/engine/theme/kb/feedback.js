/* Feedback and search signals (docs/feedback.md). Only on sites whose mkdocs.yml sets
   extra.kb.feedback: the page then carries <div id="kb-feedback" data-collector=...>.

   Everything goes with navigator.sendBeacon as text/plain JSON (no preflight, no cookie, no
   identifier), so a collector that is down or blocked changes nothing on the page and nothing
   waits for it. The events follow api/v1/schema/feedback-event.schema.json.

   Search boxes report through window.kbSignals: kb/search/box.js calls it for the header's and
   the home page's box ("site"); this file wires it to the agent console ("console"):
     kbSignals.query(box, text, count)       the words in a box and how many results it shows
                                             (count: a number, or a function asked when sent)
     kbSignals.opened(box, url, rank)        a result was opened (rank 1 is the first)
     kbSignals.left(box)                     the box was left without opening anything
   A search event is the last query of a box before a result is opened or the box is left. */
(function () {
  "use strict";

  var conf = document.getElementById("kb-feedback");
  if (!conf) return;
  var collector = conf.getAttribute("data-collector");
  var lang = conf.getAttribute("data-lang");
  var audience = conf.getAttribute("data-audience");
  var s = {};
  try { s = JSON.parse(conf.getAttribute("data-strings") || "{}"); } catch (e) { s = {}; }
  var KINDS = { services: "service", answers: "answer", departments: "department" };
  var PAGE = /\/(services|answers|departments)\/([a-z0-9][a-z0-9-]*)\/(?:index\.html)?$/;

  function send(event) {
    event.v = 1;
    event.lang = lang;
    event.audience = audience;
    try {
      if (navigator.sendBeacon) navigator.sendBeacon(collector, JSON.stringify(event));
    } catch (e) { /* the page goes on as if nothing was sent */ }
  }

  /* The kind and id of a page of the site from its address (null: not a service, answer or department). */
  function pageOf(url) {
    var m;
    try { m = PAGE.exec(new URL(url, location.href).pathname); } catch (e) { return null; }
    return m ? { kind: KINDS[m[1]], id: m[2] } : null;
  }

  /* --- search signals ------------------------------------------------------------------------- */
  var pending = {};

  function flush(box, opened) {
    var p = pending[box];
    delete pending[box];
    if (!p || !p.query) return;
    var count = typeof p.count === "function" ? p.count() : p.count;
    send({ type: "search", box: box, query: p.query, results: Math.max(0, count | 0), opened: opened || null });
  }

  var signals = {
    query: function (box, text, count) {
      var q = String(text || "").trim().slice(0, 200);
      if (q) pending[box] = { query: q, count: count }; else delete pending[box];
    },
    opened: function (box, url, rank) {
      var page = pageOf(url);
      flush(box, page ? { kind: page.kind, id: page.id, rank: Math.max(1, rank | 0) } : null);
    },
    left: function (box) { flush(box, null); },
    pending: function (box) { return pending[box] ? pending[box].query : ""; }
  };
  window.kbSignals = signals;
  window.addEventListener("pagehide", function () {
    Object.keys(pending).forEach(function (box) { flush(box, null); });
  });

  /* --- small forms ------------------------------------------------------------------------------ */
  var made = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  /* A note form: label, the line about personal details, a text box, Send and (optional) Cancel. */
  function noteForm(label, hint, onSend, onCancel) {
    var n = ++made;
    var form = el("form", { id: "kb-feedback-form-" + n, "class": "kb-feedback__form", hidden: "" });
    var box = el("textarea", { id: "kb-feedback-note-" + n, rows: "3", maxlength: "1000",
                               "aria-describedby": "kb-feedback-hint-" + n });
    form.appendChild(el("label", { "for": box.id }, label));
    form.appendChild(el("p", { id: "kb-feedback-hint-" + n, "class": "kb-feedback__hint" }, hint));
    form.appendChild(box);
    var actions = el("div", { "class": "kb-feedback__actions" });
    actions.appendChild(el("button", { type: "submit", "class": "md-button md-button--primary" }, s.send));
    if (onCancel) {
      var cancel = el("button", { type: "button", "class": "md-button" }, s.cancel);
      cancel.addEventListener("click", onCancel);
      actions.appendChild(cancel);
    }
    form.appendChild(actions);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      onSend(box.value.trim().slice(0, 1000));
    });
    form.addEventListener("keydown", function (e) { if (e.key === "Escape" && onCancel) onCancel(); });
    form.box = box;
    return form;
  }

  /* Resident site: "Did this page help?" on services, answers and departments. */
  function votePanel(article, page) {
    var section = el("section", { "class": "kb-feedback", "aria-labelledby": "kb-feedback-title",
                                  "data-search-exclude": "", tabindex: "-1" });
    section.appendChild(el("h2", { id: "kb-feedback-title" }, s.page_question));
    var choices = el("div", { "class": "kb-feedback__choices", role: "group", "aria-labelledby": "kb-feedback-title" });
    var yes = el("button", { type: "button", "class": "md-button" }, s.yes);
    var no = el("button", { type: "button", "class": "md-button" }, s.no);
    choices.appendChild(yes);
    choices.appendChild(no);
    section.appendChild(choices);
    var status = el("p", { "class": "kb-feedback__status", role: "status", "aria-live": "polite" });
    var unsent = false;  /* No was pressed and nothing sent yet */
    function finish() {
      choices.hidden = true;
      form.hidden = true;
      status.textContent = s.thanks;
      section.focus();
    }
    var form = noteForm(s.missing_label, s.no_personal, function (note) {
      unsent = false;
      send(note ? { type: "vote", page: page, helpful: false, note: note }
                : { type: "vote", page: page, helpful: false });
      finish();
    }, null);
    yes.addEventListener("click", function () {
      send({ type: "vote", page: page, helpful: true });
      finish();
    });
    no.addEventListener("click", function () {
      unsent = true;
      choices.hidden = true;
      form.hidden = false;
      form.box.focus();
    });
    window.addEventListener("pagehide", function () {  /* No, then left without sending */
      if (unsent) { unsent = false; send({ type: "vote", page: page, helpful: false }); }
    });
    section.appendChild(form);
    section.appendChild(status);
    article.appendChild(section);
  }

  /* A button that opens a note form and sends a report. */
  function reportPanel(parent, buttonText, label, makeEvent) {
    var wrap = el("div", { "class": "kb-feedback kb-feedback--report", "data-search-exclude": "" });
    var open = el("button", { type: "button", "class": "md-button", "aria-expanded": "false" }, buttonText);
    var status = el("p", { "class": "kb-feedback__status", role: "status", "aria-live": "polite" });
    function close() {
      form.hidden = true;
      open.setAttribute("aria-expanded", "false");
      open.focus();
    }
    var form = noteForm(label, s.agent_no_personal, function (note) {
      var event = makeEvent();
      if (note) event.note = note;
      send(event);
      form.box.value = "";
      close();
      status.textContent = s.sent;
    }, close);
    open.addEventListener("click", function () {
      var shown = form.hidden;
      form.hidden = !shown;
      open.setAttribute("aria-expanded", shown ? "true" : "false");
      status.textContent = "";
      if (shown) form.box.focus();
    });
    open.setAttribute("aria-controls", form.id);
    wrap.appendChild(open);
    wrap.appendChild(form);
    wrap.appendChild(status);
    parent.appendChild(wrap);
    return { wrap: wrap, form: form, status: status, button: open };
  }

  /* Agent console: search signals, and "Nothing fits" after a search. */
  function wireConsole(root) {
    if (root.dataset.kbFeedback) return;
    root.dataset.kbFeedback = "1";
    var input = root.querySelector("#kb-console-q");
    var list = root.querySelector("#kb-console-results");
    var after = root.querySelector("#kb-console-status");
    if (!input || !list || !after) return;
    function count() { return list.querySelectorAll("[role=option]").length; }
    var holder = el("div", { "class": "kb-feedback__console" });
    after.after(holder);
    var panel = reportPanel(holder, s.nothing_fits, s.nothing_fits_label, function () {
      var query = input.value.trim().slice(0, 200);
      signals.left("console");
      return { type: "report", report: "nothing_fits", query: query, results: count() };
    });
    function refresh() {
      var q = input.value.trim();
      holder.hidden = !q;
      if (!panel.form.hidden) { panel.form.hidden = true; panel.button.setAttribute("aria-expanded", "false"); }
      panel.status.textContent = "";
      signals.query("console", q, count);
    }
    input.addEventListener("input", refresh);
    refresh();
    function openOption(li) {
      if (!li) return;
      var items = Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
      signals.opened("console", li.getAttribute("data-kb-url") || "", items.indexOf(li) + 1);
    }
    list.addEventListener("click", function (e) { openOption(e.target.closest("[role=option]")); }, true);
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      var id = input.getAttribute("aria-activedescendant");
      openOption(id ? document.getElementById(id) : null);
    }, true);
    var detail = root.querySelector("#kb-console-detail");
    if (detail) {
      detail.addEventListener("click", function (e) {
        var link = e.target.closest("a[href]");
        var active = list.querySelector("[aria-selected=true]");
        if (link && active && pageOf(link.href) && !link.closest(".kb-feedback")) openOption(active);
      }, true);
      /* "Wrong or out of date" under the service or answer the console shows (it redraws it). */
      new MutationObserver(function () {
        var title = detail.querySelector(".kb-detail__title a[href]");
        var page = title && pageOf(title.href);
        if (!page || page.kind === "department" || detail.querySelector(".kb-feedback")) return;
        reportPanel(detail, s.wrong, s.wrong_label, function () {
          return { type: "report", report: "wrong", page: page };
        });
      }).observe(detail, { childList: true });
    }
  }

  function onPage() {
    var consoleRoot = document.querySelector("[data-kb-console]");
    if (consoleRoot) wireConsole(consoleRoot);
    var page = pageOf(location.href);
    var article = document.querySelector("article.md-content__inner") || document.querySelector(".md-content");
    if (!page || !article || article.querySelector(".kb-feedback")) return;
    if (audience === "agent") {
      if (page.kind === "department") return;
      reportPanel(article, s.wrong, s.wrong_label, function () {
        return { type: "report", report: "wrong", page: page };
      });
    } else {
      votePanel(article, page);
    }
  }

  window.kbOnPage(onPage); /* kb.js */
})();
