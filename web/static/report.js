// A report's page follows changes others make: a few bytes (the report's version) are asked for
// every two seconds; when they differ, the page is fetched again and its content swapped in,
// with whatever was typed in its forms, the ticks and the keyboard's place kept.
(function () {
  var root = document.getElementById("report");
  if (!root) { return; }
  var url = root.getAttribute("data-version-url");

  function key(field) {
    var form = field.form;
    var action = form && form.querySelector("input[name=action]");
    return (action ? action.value : "") + "/" + field.name;
  }

  function typed() {
    var kept = {};
    root.querySelectorAll("textarea, input:not([type=hidden]), select").forEach(function (field) {
      if (!field.name) { return; }
      // Every value as it stands (a text a refusal put back is its field's default: kept too).
      kept[key(field)] = field.type === "checkbox" ? field.checked : field.value;
    });
    return kept;
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("report");
    if (!fresh) { return; }
    var kept = typed();
    var focused = document.activeElement && root.contains(document.activeElement) ? key(document.activeElement) : null;
    var start = focused ? document.activeElement.selectionStart : null;
    var end = focused ? document.activeElement.selectionEnd : null;
    // What a refusal said, and the text it kept, stay until the moderator leaves the page.
    var said = Array.prototype.map.call(root.querySelectorAll(".problem, .kept"), function (node) {
      var copy = node.cloneNode(true);
      var area = node.querySelector("textarea");
      if (area) { copy.querySelector("textarea").value = area.value; }
      return copy;
    });
    root.innerHTML = fresh.innerHTML;
    var heading = root.querySelector("h1");
    said.reverse().forEach(function (node) { heading.after(node); });
    root.setAttribute("data-version", fresh.getAttribute("data-version"));
    var placed = {};
    root.querySelectorAll("textarea, input:not([type=hidden]), select").forEach(function (field) {
      if (!field.name || !(key(field) in kept)) { return; }
      placed[key(field)] = true;
      if (field.type === "checkbox") { field.checked = kept[key(field)]; } else { field.value = kept[key(field)]; }
      if (focused === key(field)) {
        field.focus();
        if (start !== null && field.setSelectionRange) { try { field.setSelectionRange(start, end); } catch (e) { /* not text */ } }
      }
    });
    // A text typed in a form the page no longer offers (the report was taken meanwhile) is
    // shown where it can still be copied, never dropped.
    var template = document.getElementById("kept-template");
    Object.keys(kept).forEach(function (name) {
      if (placed[name] || typeof kept[name] !== "string" || !kept[name].trim() || !/\/text$/.test(name) || !template) { return; }
      var block = template.content.firstElementChild.cloneNode(true);
      block.querySelector("textarea").value = kept[name];
      root.querySelector("h1").after(block);
    });
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      return answer.text();
    }).then(function (version) {
      if (version === root.getAttribute("data-version")) { return null; }
      return fetch(window.location.pathname, {credentials: "same-origin", cache: "no-store"}).then(function (page) {
        return page.ok ? page.text().then(swap) : null;
      });
    }).catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
