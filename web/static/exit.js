// "Exit this page": a click, or Shift pressed three times within five seconds, swaps this
// page for a neutral site with location.replace, so Back does not return here. Without
// JavaScript the button is still a plain link to the same site.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  var target = link.getAttribute("href");
  var leaving = false;

  function leave(event) {
    if (event) { event.preventDefault(); }
    if (leaving) { return; }
    leaving = true;
    // Hide the page at once, so nothing stays on screen while the next site loads.
    document.documentElement.className += " exiting";
    document.title = "Loading";
    window.location.replace(target);
  }

  link.addEventListener("click", leave);

  var presses = 0;
  var timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    if (event.repeat) { return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 5000);
    if (presses >= 3) { leave(); }
  });
})();
