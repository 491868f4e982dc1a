// The widget's frame: where the browser keeps this site's cookies from other sites but offers the
// Storage Access API, let the citizen allow it (one click), then reload with the session.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var access = document.querySelector("[data-storage-access]");
  if (!access || window.parent === window || typeof document.hasStorageAccess !== "function") {
    return;
  }
  document.hasStorageAccess().then(function (granted) {
    if (granted) {
      return;
    }
    access.hidden = false;
    access.querySelector("button").addEventListener("click", function () {
      document.requestStorageAccess().then(function () { window.location.reload(); }, function () {});
    });
  });
});
