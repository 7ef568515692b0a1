/* careers embed.js: optional iframe auto-sizing. The embedded list works without it.
 * On a partner page:   <iframe src="https://JOBS-HOST/embed/jobs?company=acme" data-careers-embed ...></iframe>
 *                      <script src="https://JOBS-HOST/embed.js" async></script>
 * Inside /embed/* pages the same file reports the page height to the parent with postMessage;
 * on the partner page it resizes the iframe that sent the message (and only that one). */
(function () {
  "use strict";
  var TYPE = "careers:embed-height";
  var inEmbed = window.parent !== window &&
    document.documentElement.hasAttribute("data-careers-embed");

  if (inEmbed) {
    var last = 0;
    var report = function () {
      var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (h !== last) {
        last = h;
        window.parent.postMessage({ type: TYPE, height: h }, "*");
      }
    };
    if ("ResizeObserver" in window) {
      new ResizeObserver(report).observe(document.documentElement);
    }
    window.addEventListener("load", report);
    report();
    return;
  }

  var script = document.currentScript;
  var origin = script ? new URL(script.src, location.href).origin : null;
  window.addEventListener("message", function (event) {
    if (origin && event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== TYPE || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-careers-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(120, Math.min(data.height, 20000)) + "px";
      }
    }
  });
})();
