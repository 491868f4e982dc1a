/* Maps of the platform (Leaflet, static/vendor/leaflet). Progressive enhancement: every map
   container is `hidden` in the page and shown only here, once Leaflet has loaded; the address text
   is always the complete way. Tiles that cannot load leave a grey map that still works (the pin,
   the problems and their links do not depend on them).

   data-map="picker"   the filing form: click to place a pin, drag it, Enter puts it at the centre,
                       «Моё местоположение» asks the browser; fills the hidden latitude/longitude.
   data-map="point"    one point (staff page, public problem page).
   data-map="problems" public problems from data-geojson-url (points or server-side clusters);
                       with data-outages-url, the announced outages too.
   data-map="outages"  the announced outages from data-outages-url (marks with «!»). */
(function () {
  "use strict";

  function center(el) {
    var parts = (el.dataset.center || "53.0245,158.6433,12").split(",").map(Number);
    return { lat: parts[0], lon: parts[1], zoom: parts[2] || 12 };
  }

  function baseMap(el, options) {
    var map = window.L.map(el, Object.assign({ keyboard: true }, options || {}));
    window.L.tileLayer(el.dataset.tileUrl, {
      attribution: el.dataset.tileAttribution || "",
      maxZoom: 19,
    }).addTo(map);
    var container = map.getContainer();
    container.setAttribute("role", "region");
    if (el.dataset.label) container.setAttribute("aria-label", el.dataset.label);
    return map;
  }

  function show(el) {
    el.hidden = false;
    var section = el.closest("[data-map-section], [data-map-picker]");
    if (section) section.hidden = false;
  }

  function fixed(value) {
    return (Math.round(value * 100000) / 100000).toFixed(5);
  }

  function picker(el) {
    var box = el.closest("[data-map-picker]");
    var latInput = document.getElementById(el.dataset.latInput);
    var lonInput = document.getElementById(el.dataset.lonInput);
    var status = box.querySelector("[data-map-status]");
    var locate = box.querySelector("[data-map-locate]");
    var clear = box.querySelector("[data-map-clear]");
    show(el);
    var start = center(el);
    var map = baseMap(el).setView([start.lat, start.lon], start.zoom);
    map.getContainer().setAttribute("aria-describedby", "map-help");
    var marker = null;

    function say(text) {
      if (status) status.textContent = text;
    }

    function put(latlng, pan) {
      var lat = Math.max(-90, Math.min(90, latlng.lat));
      var lon = window.L.latLng(lat, latlng.lng).wrap().lng;
      latInput.value = fixed(lat);
      lonInput.value = fixed(lon);
      if (marker === null) {
        marker = window.L.marker([lat, lon], {
          draggable: true,
          keyboard: true,
          title: el.dataset.pinLabel || "",
          alt: el.dataset.pinLabel || "",
        }).addTo(map);
        marker.on("dragend", function () {
          put(marker.getLatLng(), false);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (pan) map.panTo([lat, lon]);
      // The filing form's «already known nearby» list follows the point (htmx listens).
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      say(
        (el.dataset.statusTemplate || "{lat}, {lon}")
          .replace("{lat}", latInput.value)
          .replace("{lon}", lonInput.value)
      );
      if (clear) clear.hidden = false;
    }

    function remove() {
      if (marker !== null) {
        map.removeLayer(marker);
        marker = null;
      }
      latInput.value = "";
      lonInput.value = "";
      say(el.dataset.cleared || "");
      if (clear) clear.hidden = true;
    }

    map.on("click", function (event) {
      put(event.latlng, false);
    });
    map.getContainer().addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === map.getContainer()) {
        event.preventDefault();
        put(map.getCenter(), false);
      }
    });
    if (clear) {
      clear.hidden = true;
      clear.addEventListener("click", remove);
    }
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (position) {
            put(window.L.latLng(position.coords.latitude, position.coords.longitude), true);
            map.setZoom(Math.max(map.getZoom(), 16));
          },
          function () {
            say(el.dataset.locateFailed || "");
          },
          { enableHighAccuracy: true, timeout: 10000 }
        );
      });
    }
    // A form that came back with an error keeps its point.
    if (latInput.value && lonInput.value) {
      var kept = window.L.latLng(Number(latInput.value), Number(lonInput.value));
      put(kept, false);
      map.setView(kept, 16);
    }
  }

  function point(el) {
    show(el);
    var latlng = [Number(el.dataset.lat), Number(el.dataset.lon)];
    var map = baseMap(el).setView(latlng, 16);
    window.L.marker(latlng, { keyboard: false, alt: el.dataset.label || "" }).addTo(map);
  }

  function link(url, text) {
    var a = document.createElement("a");
    a.href = url;
    a.className = "map-link";
    a.textContent = text;
    return a;
  }

  function outageLayer(map, el) {
    var url = el.dataset.outagesUrl;
    if (!url) return;
    var layer = window.L.layerGroup().addTo(map);

    function popup(properties) {
      var box = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = properties.title;
      box.appendChild(title);
      [properties.period, properties.organization].forEach(function (text) {
        if (!text) return;
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(text));
      });
      box.appendChild(document.createElement("br"));
      box.appendChild(link(properties.url, el.dataset.openLabel || properties.title));
      return box;
    }

    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (collection) {
        if (!collection) return;
        collection.features.forEach(function (feature) {
          var coords = feature.geometry.coordinates;
          var properties = feature.properties;
          window.L.marker([coords[1], coords[0]], {
            keyboard: true,
            title: properties.title + ", " + properties.period,
            icon: window.L.divIcon({ className: "map-outage", html: "!", iconSize: [28, 28] }),
          })
            .bindPopup(popup(properties))
            .addTo(layer);
        });
      })
      .catch(function () {
        /* the list of outages on the page is complete without the map */
      });
  }

  function outages(el) {
    show(el);
    var start = center(el);
    var map = baseMap(el).setView([start.lat, start.lon], start.zoom);
    outageLayer(map, el);
  }

  function problems(el) {
    show(el);
    var start = center(el);
    var map = baseMap(el).setView([start.lat, start.lon], start.zoom);
    var layer = window.L.layerGroup().addTo(map);
    var url = el.dataset.geojsonUrl;
    var pending = null;

    function popup(properties) {
      var box = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = properties.number;
      box.appendChild(title);
      if (properties.category) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(properties.category));
      }
      if (properties.status_label) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(properties.status_label));
      }
      box.appendChild(document.createElement("br"));
      box.appendChild(link(properties.url, el.dataset.openLabel || properties.number));
      return box;
    }

    function draw(collection) {
      layer.clearLayers();
      collection.features.forEach(function (feature) {
        var coords = feature.geometry.coordinates;
        var latlng = [coords[1], coords[0]];
        var properties = feature.properties;
        if (properties.cluster && properties.count > 1) {
          var size = Math.min(56, 28 + Math.round(Math.log(properties.count) * 4));
          var label = (el.dataset.groupLabel || "{n}").replace("{n}", properties.count);
          var marker = window.L.marker(latlng, {
            keyboard: true,
            title: label,
            icon: window.L.divIcon({
              className: "map-cluster",
              html: String(properties.count),
              iconSize: [size, size],
            }),
          });
          marker.on("click", function () {
            map.setView(latlng, Math.min(map.getZoom() + 2, 19));
          });
          marker.addTo(layer);
        } else {
          window.L.marker(latlng, { keyboard: true, title: properties.number, alt: properties.number })
            .bindPopup(popup(properties))
            .addTo(layer);
        }
      });
    }

    function load() {
      var bounds = map.getBounds();
      var west = Math.max(-180, bounds.getWest());
      var east = Math.min(180, bounds.getEast());
      var south = Math.max(-90, bounds.getSouth());
      var north = Math.min(90, bounds.getNorth());
      if (!(west < east && south < north)) return;
      var bbox = [west, south, east, north].map(fixed).join(",");
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "bbox=" + bbox + "&zoom=" + map.getZoom();
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(address, { signal: pending.signal, headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (collection) {
          if (collection) draw(collection);
        })
        .catch(function () {
          /* a failed or aborted load leaves the last markers; the list below is complete */
        });
    }

    map.on("moveend", load);
    load();
    outageLayer(map, el);
  }

  function init() {
    if (!window.L) return; // no Leaflet: the containers stay hidden, the pages work as text
    document.querySelectorAll("[data-map]").forEach(function (el) {
      var kind = el.dataset.map;
      if (kind === "picker") picker(el);
      else if (kind === "point") point(el);
      else if (kind === "problems") problems(el);
      else if (kind === "outages") outages(el);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
