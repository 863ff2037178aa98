/* Decision flows (both sites): one step at a time, with Back and Start over. Without JavaScript
   the page shows every step as a list, each option a link to its next step. */
(function () {
  "use strict";

  function wire(flow) {
    if (flow.getAttribute("data-kb-wired")) return;
    flow.setAttribute("data-kb-wired", "1");
    var steps = Array.prototype.slice.call(flow.querySelectorAll(".kb-flow-step"));
    var start = flow.getAttribute("data-kb-start");
    var nav = flow.querySelector(".kb-flow-nav");
    if (!steps.length || !nav) return;
    var back = nav.querySelector("[data-kb-step=back]");
    var restart = nav.querySelector("[data-kb-step=restart]");
    var trail = [start];

    function show(focus) {
      var id = trail[trail.length - 1];
      steps.forEach(function (step) { step.hidden = step.id !== id; });
      back.disabled = trail.length < 2;
      restart.disabled = trail.length < 2;
      var shown = document.getElementById(id);
      if (focus && shown) {
        shown.setAttribute("tabindex", "-1");
        shown.focus();
      }
    }

    flow.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-kb-next]");
      if (!link || !flow.contains(link)) return;
      var next = link.getAttribute("data-kb-next");
      if (!document.getElementById(next)) return;
      event.preventDefault();
      trail.push(next);
      show(true);
    });
    back.addEventListener("click", function () {
      if (trail.length > 1) trail.pop();
      show(true);
    });
    restart.addEventListener("click", function () {
      trail = [start];
      show(true);
    });
    nav.hidden = false;
    flow.classList.add("kb-flow--live");
    show(false);
  }

  function onPage() {
    document.querySelectorAll(".kb-flow[data-kb-start]").forEach(wire);
  }

  window.kbOnPage(onPage); /* kb.js */
})();
