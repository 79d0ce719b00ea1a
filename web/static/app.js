// The Telegram Mini App's first page: Telegram puts its signed initData in the address's
// fragment; it is sent once to sign in, then the queue opens. Nothing else runs here.
(function () {
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var initData = hash.get("tgWebAppData") || "";
  var body = new URLSearchParams();
  body.set("init_data", initData);
  fetch("/webapp/login", {method: "POST", body: body, credentials: "same-origin"}).then(function (response) {
    if (!response.ok) { throw new Error(String(response.status)); }
    return response.json();
  }).then(function (answer) {
    window.location.replace(answer.next);
  }).catch(function () {
    document.getElementById("app-status").hidden = true;
    document.getElementById("app-refused").hidden = false;
  });
})();
