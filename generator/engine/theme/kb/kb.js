/* City 311 site behaviour. Everything here is an enhancement: pages work without it. */
(function () {
  "use strict";

  /* kbOnPage(fn): run fn on every page shown: now (or once the page has loaded), and after each
     of Material's instant navigations. kb's other scripts, loaded after this one, use it. */
  window.kbOnPage = function (fn) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(fn); /* Material's instant navigation */
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  };

  /* Print: links between pages show their full address (the stylesheet prints it). */
  window.addEventListener("beforeprint", function () {
    var links = document.querySelectorAll(".md-content a[href]");
    for (var i = 0; i < links.length; i++) {
      var raw = links[i].getAttribute("href");
      if (/^(https?:|tel:|mailto:|sms:|#)/.test(raw)) continue;
      links[i].setAttribute("data-kb-print-href", links[i].href);
    }
  });
})();
