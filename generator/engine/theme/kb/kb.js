/* City 311 site behaviour. Everything here is an enhancement: pages work without it. */
(function () {
  "use strict";

  /* The home page's big search box hands its words to Material's search. */
  function wireHomeSearch() {
    var form = document.querySelector("[data-kb-home-search]");
    if (!form || form.dataset.kbWired) return;
    form.dataset.kbWired = "1";
    form.addEventListener("submit", function (event) {
      var query = form.querySelector("input").value;
      var input = document.querySelector("input.md-search__input");
      var toggle = document.getElementById("__search");
      if (!input || !toggle) return; /* no search: the form goes to the A to Z page */
      event.preventDefault();
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
      input.value = query;
      input.focus();
      input.dispatchEvent(new KeyboardEvent("keyup", { key: "End" }));
      input.dispatchEvent(new Event("input"));
    });
  }

  /* Print: links between pages show their full address (the stylesheet prints it). */
  window.addEventListener("beforeprint", function () {
    var links = document.querySelectorAll(".md-content a[href]");
    for (var i = 0; i < links.length; i++) {
      var raw = links[i].getAttribute("href");
      if (/^(https?:|tel:|mailto:|sms:|#)/.test(raw)) continue;
      links[i].setAttribute("data-kb-print-href", links[i].href);
    }
  });

  function onPage() {
    wireHomeSearch();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage); /* Material's instant navigation */
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
