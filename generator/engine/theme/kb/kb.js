/* City 311 site behaviour. Everything here is an enhancement: pages work without it. */
(function () {
  "use strict";

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
