/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // Prefill an empty time-zone field from the browser (the person can edit it).
  document.addEventListener("DOMContentLoaded", function () {
    var tz;
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { tz = null; }
    document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
      if (!input.value && tz) { input.value = tz; }
    });
  });
})();
