// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  function bindCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var output = document.getElementById(area.dataset.counter);
      if (!output || area.dataset.counterBound) return;
      area.dataset.counterBound = "1";
      var max = parseInt(area.getAttribute("maxlength"), 10);
      var template = output.dataset.template || "{n}";
      function update() { output.textContent = template.replace("{n}", String(max - area.value.length)); }
      area.addEventListener("input", update);
      update();
      output.hidden = false;
    });
  }
  // htmx snapshots the page for Back after the person has already typed the next filter, so a
  // restored filter form would show the newer values: set a pushed GET form from its address.
  function formsFollowUrl() {
    var params = new URLSearchParams(location.search);
    document.querySelectorAll("form[method=get][data-hx-push-url=true]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "submit" || field.type === "file") return;
        var value = params.get(field.name);
        if (field.type === "hidden") {
          if (value !== null) field.value = value;
        } else if (field.type === "checkbox" || field.type === "radio") {
          field.checked = params.getAll(field.name).indexOf(field.value) >= 0;
        } else {
          field.value = value === null ? "" : value;
          if (field.tagName === "SELECT" && field.selectedIndex < 0) field.selectedIndex = 0;
        }
      });
    });
  }
  document.addEventListener("htmx:historyRestore", formsFollowUrl);
  // The organization picker (includes/organization_picker.html): a combobox whose listbox htmx
  // fills; choosing an option sets the plain select that the form submits.
  function bindOrgPickers(root) {
    root.querySelectorAll("[data-org-picker]").forEach(function (picker) {
      var select = document.getElementById(picker.dataset.orgPicker);
      var input = picker.querySelector("[role=combobox]");
      var list = picker.querySelector("[role=listbox]");
      if (!select || !input || !list || picker.dataset.pickerBound) return;
      picker.dataset.pickerBound = "1";
      picker.hidden = false;
      document.querySelectorAll("[data-org-picker-fallback]").forEach(function (fallback) {
        if (fallback.dataset.orgPickerFallback === select.id) fallback.hidden = true;
      });
      var active = -1;
      function choices() {
        return list.querySelectorAll("[role=option]:not([aria-disabled=true])");
      }
      function close() {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
      }
      function activate(index) {
        var all = choices();
        if (!all.length) return;
        active = (index + all.length) % all.length;
        all.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === active)); });
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      }
      function pick(option) {
        var value = option.dataset.value;
        var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
        if (!known) select.add(new Option(option.dataset.label, value));
        if (select.multiple) {  // a list of several (the copies): add to the choice
          Array.prototype.forEach.call(select.options, function (o) { if (o.value === value) o.selected = true; });
        } else {
          select.value = value;
        }
        select.dispatchEvent(new Event("change", { bubbles: true }));
        input.value = option.dataset.label;
        close();
      }
      list.addEventListener("htmx:afterSwap", function () {
        list.hidden = !list.children.length;
        input.setAttribute("aria-expanded", String(!list.hidden));
        input.removeAttribute("aria-activedescendant");
        active = -1;
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          if (list.hidden && list.children.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
          activate(active + (event.key === "ArrowDown" ? 1 : -1));
        } else if (event.key === "Enter") {
          event.preventDefault();  // Enter here chooses; it never submits the form
          var all = choices();
          if (!list.hidden && all[active]) pick(all[active]);
        } else if (event.key === "Escape" && !list.hidden) {
          event.preventDefault();
          close();
        }
      });
      list.addEventListener("mousedown", function (event) { event.preventDefault(); });
      list.addEventListener("click", function (event) {
        var option = event.target.closest("[role=option]");
        if (option && option.getAttribute("aria-disabled") !== "true") pick(option);
      });
      input.addEventListener("blur", close);
    });
  }
  // A no-script fallback that htmx makes redundant (the filing form's check for published
  // answers runs as the text is typed): out of the way and out of the tab order where htmx runs.
  function hideFallbacks(root) {
    if (!window.htmx) return;
    root.querySelectorAll("[data-htmx-fallback]").forEach(function (element) { element.hidden = true; });
  }
  // A page that asks for htmx on the first touch (the filing form: on a 256 kbit/s link htmx is
  // half of what a first visit would carry): fetched at the first focus, press or key, then the
  // fields' events that came before it are sent again so that htmx acts on them (the term of the
  // chosen category, known problems nearby, published answers to the text typed).
  function htmxOnFirstTouch() {
    var wanted = document.querySelector('meta[name="htmx-on-first-touch"]');
    if (!wanted || window.htmx) return;
    var touches = ["focusin", "pointerdown", "keydown", "input", "change"];
    var early = [];
    function remember(event) {
      if (event.target.form && early.indexOf(event.target) < 0) early.push(event.target);
    }
    ["input", "change"].forEach(function (name) { document.addEventListener(name, remember, true); });
    function load() {
      touches.forEach(function (name) { document.removeEventListener(name, load, true); });
      // htmx starts itself (and reads its htmx-config) when it arrives after the page is complete,
      // and waits for DOMContentLoaded, long gone, when it arrives before: so not before.
      if (document.readyState === "complete") inject();
      else window.addEventListener("load", inject, { once: true });
    }
    function inject() {
      var script = document.createElement("script");
      script.src = wanted.content;
      script.onload = function () {
        ["input", "change"].forEach(function (name) { document.removeEventListener(name, remember, true); });
        hideFallbacks(document);
        early.forEach(function (field) {
          ["input", "change", "keyup"].forEach(function (name) {
            field.dispatchEvent(new Event(name, { bubbles: true }));
          });
        });
      };
      document.head.appendChild(script);
    }
    touches.forEach(function (name) { document.addEventListener(name, load, { capture: true, passive: true }); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    bindCounters(document);
    bindOrgPickers(document);
    hideFallbacks(document);
    htmxOnFirstTouch();
  });
  document.addEventListener("htmx:afterSwap", function (event) { bindCounters(event.target); });
  document.addEventListener("htmx:historyRestore", function () { bindOrgPickers(document); });
  // A hidden box with data-load-when-visible (the filing form's map): shown where script runs, and
  // its stylesheets and scripts (in order) fetched only when it comes into view; hidden again if
  // they cannot load. A weak link does not carry an optional map nobody scrolled to.
  function loadWhenVisible() {
    var boxes = document.querySelectorAll("[data-load-when-visible]");
    if (!boxes.length || !("IntersectionObserver" in window)) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        var box = entry.target;
        observer.unobserve(box);
        box.dataset.loadWhenVisible.split(" ").forEach(function (url) {
          if (/\.css$/.test(url)) {
            var link = document.createElement("link");
            link.rel = "stylesheet";
            link.href = url;
            document.head.appendChild(link);
            return;
          }
          var script = document.createElement("script");
          script.src = url;
          script.async = false;  // in the given order
          script.onerror = function () { box.hidden = true; };
          document.head.appendChild(script);
        });
      });
    }, { rootMargin: "100px" });
    boxes.forEach(function (box) {
      box.hidden = false;
      observer.observe(box);
    });
  }
  document.addEventListener("DOMContentLoaded", loadWhenVisible);
  // The installable web app: the service worker (templates/sw.js) keeps the static files and the
  // offline page; registered once the page has loaded, so it never delays the page itself.
  var manifest = document.querySelector("link[rel='manifest'][data-service-worker]");
  if (manifest && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(manifest.dataset.serviceWorker, {
        scope: "/",
        updateViaCache: "all"  // /sw.js says how long its copy holds (feedback_platform/pwa.py)
      }).catch(function () {
        /* no service worker (private mode, old browser): the site works as before */
      });
    });
  }
})();
