/* Alerts (both sites): <lang>/alerts.json lists each alert with its start and end; the browser
   shows the current ones in every .kb-alerts box (data-kb-service="*": all of them; else the
   alerts of that service), and checks again every minute, so a static site stays right. */
(function () {
  "use strict";

  var script = document.currentScript;
  var source = script ? new URL("../alerts.json", script.src).href : null;
  var loaded = null;

  function load() {
    if (!loaded) {
      loaded = fetch(source, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    }
    return loaded;
  }

  function current(alert, now) { return alert.starts <= now && now < alert.ends; }

  function render(box, alerts) {
    var service = box.getAttribute("data-kb-service");
    var now = Date.now();
    var shown = alerts.filter(function (a) {
      return current(a, now) && (service === "*" || a.services.indexOf(service) !== -1);
    });
    var ids = shown.map(function (a) { return a.id; }).join(" ");
    if (box.getAttribute("data-kb-shown") === ids) return;
    box.setAttribute("data-kb-shown", ids);
    box.textContent = "";
    shown.forEach(function (a) {
      var node = document.createElement("div");
      node.className = "admonition warning kb-alert";
      node.setAttribute("data-kb-alert", a.id);
      node.setAttribute("role", "note");
      var title = document.createElement("p");
      title.className = "admonition-title";
      title.textContent = a.title;
      node.appendChild(title);
      var body = document.createElement("div");
      body.innerHTML = a.html; /* sanitised when the site was built */
      body.querySelectorAll("a[href]").forEach(function (link) {
        var href = link.getAttribute("href");
        if (!/^([a-z]+:|#|\/)/i.test(href)) link.setAttribute("href", new URL(href, source).href);
      });
      node.appendChild(body);
      box.appendChild(node);
    });
  }

  function refresh() {
    var boxes = document.querySelectorAll(".kb-alerts[data-kb-service]");
    if (!boxes.length || !source) return;
    load().then(function (data) {
      boxes.forEach(function (box) { render(box, data.alerts || []); });
    }, function () { /* no alerts file: nothing to show */ });
  }

  window.kbOnPage(refresh); /* kb.js */
  setInterval(refresh, 60000);
})();
