{% load i18n %}/* Feedback Platform widget: <script src=".../widget.js" data-organization="slug" async></script> */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-organization")) {
    return;
  }
  var origin = new URL(script.src, document.baseURI).origin;
  var slug = script.getAttribute("data-organization");
  var label = script.getAttribute("data-label") || "{{ _('Report a problem')|escapejs }}";
  var formUrl = origin + "/widget/" + encodeURIComponent(slug) + "/";
  var dialog = null;

  function css(element, rules) {
    for (var name in rules) {
      element.style.setProperty(name, rules[name]);
    }
  }

  function openWindow() {
    var opened = window.open(formUrl, "pos-widget-" + slug, "popup,width=560,height=780");
    if (!opened) {
      window.location.assign(formUrl);
    }
  }

  function openDialog() {
    if (typeof HTMLDialogElement !== "function") {
      openWindow();
      return;
    }
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.setAttribute("aria-label", label);
      css(dialog, {"padding": "0", "border": "0", "border-radius": "8px", "width": "min(560px, 96vw)",
                   "height": "min(780px, 92vh)", "box-shadow": "0 8px 32px rgba(0,0,0,.35)"});
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "{{ _('Close')|escapejs }}";
      css(close, {"position": "absolute", "top": "6px", "right": "6px", "padding": "6px 12px",
                  "font": "inherit", "cursor": "pointer"});
      close.addEventListener("click", function () { dialog.close(); button.focus(); });
      var frame = document.createElement("iframe");
      frame.src = formUrl + "?embed=1";
      frame.title = label;
      css(frame, {"border": "0", "width": "100%", "height": "100%", "display": "block"});
      dialog.appendChild(frame);
      dialog.appendChild(close);
      document.body.appendChild(dialog);
    }
    dialog.showModal();
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "pos-widget-button";
  button.textContent = label;
  css(button, {"padding": "10px 18px", "border": "0", "border-radius": "6px", "background": "#0b5cad",
               "color": "#fff", "font": "600 16px/1.2 system-ui, sans-serif", "cursor": "pointer"});
  button.addEventListener("click", openDialog);
  script.insertAdjacentElement("afterend", button);

})();
