// Renders /api/schema/ with the vendored Swagger UI (loaded before this file, both deferred).
// Swagger UI speaks English only: the labels it writes are swapped for the page's translations
// (#swagger-labels, from gettext) as they appear.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var source = document.getElementById("swagger-labels");
  var labels = source ? JSON.parse(source.textContent) : {};
  // Swagger UI's own markup misses two accessibility basics: names on its selects and keyboard
  // access to its scrolling code samples.
  function repair(root) {
    root.querySelectorAll("select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      if (row) {
        select.setAttribute("aria-label", row.dataset.paramName);
      }
    });
    root.querySelectorAll("pre.microlight:not([tabindex])").forEach(function (code) {
      code.setAttribute("tabindex", "0");
    });
  }
  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      if (Object.prototype.hasOwnProperty.call(labels, text) && labels[text] !== text) {
        node.nodeValue = node.nodeValue.replace(text, labels[text]);
      }
    }
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          translate(node);
          repair(node);
        }
      });
    });
  }).observe(target, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    domNode: target,
    deepLinking: false,
    defaultModelsExpandDepth: -1,
    validatorUrl: null,
    tryItOutEnabled: false,
    supportedSubmitMethods: ["get"],
  });
});
