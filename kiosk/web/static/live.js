// The live part of the page (#live) follows the server's events: each "update" carries its
// new HTML, rendered by the server. When the stream stays silent longer than the reload
// interval (a proxy that buffers, a lost network) or the browser has no EventSource, the page
// reloads itself. Without JavaScript the page's <noscript> refresh does the same.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var url = live && live.getAttribute("data-events");
  if (!url) {
    return;
  }
  var reloadMs = 1000 * parseInt(live.getAttribute("data-reload") || "30", 10);
  var timer = null;
  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(function () { window.location.reload(); }, reloadMs);
  }
  later();
  if (!window.EventSource) {
    return;
  }
  var events = new EventSource(url);
  events.addEventListener("update", function (e) {
    live.innerHTML = e.data;
    later();
  });
  events.addEventListener("ping", later);
  events.addEventListener("gone", function () {
    events.close();
    window.location.reload();
  });
})();
