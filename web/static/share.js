// Sharing a page, as an enhancement. Without JavaScript the page's address is shown as text to
// select and copy; with it, a "Copy link" button copies the address and says so in a live
// region. (The Print button of print views is print.js.)
(function () {
  "use strict";

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    return b;
  }

  // Copies text through the selection, for browsers without the asynchronous clipboard (or
  // pages not served over https).
  function copyBySelection(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    return done;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-share]"), function (box) {
    var address = box.querySelector("[data-share-url]");
    var status = box.querySelector("[data-share-status]");
    if (!address || !status) { return; }
    var copy = button("Copy link", "button button--secondary share__button");
    box.insertBefore(copy, status);
    copy.addEventListener("click", function () {
      var url = address.textContent.trim();
      function copied() { status.textContent = "Link copied"; }
      function failed() {
        if (copyBySelection(address)) { copied(); return; }
        status.textContent = "Could not copy: the address is selected, so copy it with your keyboard.";
      }
      status.textContent = "";
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(copied, failed);
      } else {
        failed();
      }
    });
  });
})();
