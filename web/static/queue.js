// The queue: the filters open by themselves on a wide screen (folded on a phone, where the rows
// come first), and each refresh of the rows (htmx, every second when something changed) keeps
// the keyboard's place and a text selection as they were (the ticks: hx-preserve).
(function () {
  var filters = document.getElementById("filters");
  if (filters && (window.matchMedia("(min-width: 40rem)").matches || filters.getAttribute("data-used"))) {
    filters.open = true;
  }
  var kept = null;
  // After a bulk action the page is the queue with its results (the form's address carries the
  // filters): the address shown is the queue's, so a reload does not send the action again.
  if (window.location.pathname === "/queue/bulk" && window.history.replaceState) {
    window.history.replaceState(null, "", "/queue" + window.location.search);
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "rows") { return; }
    var selection = window.getSelection();
    var rows = event.detail.target;
    if (selection && !selection.isCollapsed && rows.contains(selection.anchorNode)) {
      event.detail.shouldSwap = false;  // the moderator is selecting text in the rows: wait for the next refresh
      return;
    }
    var active = document.activeElement;
    kept = {
      focus: active && rows.contains(active) ? (active.id ? "#" + CSS.escape(active.id)
        : active.getAttribute("href") ? 'a[href="' + CSS.escape(active.getAttribute("href")) + '"]' : null) : null
    };
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!kept) { return; }
    if (kept.focus) {
      var again = document.querySelector("#rows " + kept.focus);
      if (again && document.activeElement !== again) { again.focus({preventScroll: true}); }
    }
    kept = null;
  });
})();
