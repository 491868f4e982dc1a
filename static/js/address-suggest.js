// The filing form's address suggestions (appeals/includes/address_suggestions.html): the arrow
// keys move between the suggested addresses, Enter or a click puts one into the field (and its
// coordinates into the map's hidden fields, when the form has them), Escape closes the list.
(function () {
  "use strict";

  function input() {
    return document.querySelector("[data-address-suggest]");
  }

  function box() {
    return document.getElementById("address-suggestions");
  }

  function options() {
    var container = box();
    return container ? Array.prototype.slice.call(container.querySelectorAll(".address-suggestion")) : [];
  }

  function close(focusField) {
    var container = box();
    if (container) {
      container.innerHTML = "";
    }
    if (focusField && input()) {
      input().focus();
    }
  }

  function setValue(id, value) {
    var field = document.getElementById(id);
    if (field && value) {
      field.value = value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function pick(button) {
    var field = input();
    if (!field) {
      return;
    }
    field.value = button.getAttribute("data-address");
    setValue("id_latitude", button.getAttribute("data-latitude"));
    setValue("id_longitude", button.getAttribute("data-longitude"));
    field.dispatchEvent(new CustomEvent("address:picked", { bubbles: true, detail: {
      address: field.value,
      latitude: button.getAttribute("data-latitude"),
      longitude: button.getAttribute("data-longitude"),
    } }));
    close(true);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".address-suggestion");
    if (button) {
      event.preventDefault();
      pick(button);
    }
  });

  document.addEventListener("keydown", function (event) {
    var field = input();
    if (!field) {
      return;
    }
    var list = options();
    if (event.target === field) {
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "Escape" && list.length) {
        close(false);
      }
      return;
    }
    var index = list.indexOf(event.target);
    if (index < 0) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index === 0) {
        field.focus();
      } else {
        list[index - 1].focus();
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    }
  });
})();
