/* Appeals filled in without a connection (the filing form, «Мои обращения»). Progressive
   enhancement: without this file the form posts as usual.

   - Photos chosen in the form are made smaller on the device first (longest side 1600 px, JPEG
     0.85) and replace the chosen files, so a weak link carries a few hundred KB, not 5 MB.
   - Sending with no network keeps the appeal — its fields and photos — in this browser's
     IndexedDB, shown under «Ожидает отправки», and sends it when the connection returns (the `online` event, and each time one of these pages opens). The form's idempotency
     key makes the server file it once however many times it is sent; the entry goes when the
     server answers with the appeal's page. Entries belong to the signed-in person who made them
     (data-owner): on a shared device nobody else sees or sends them. */
(function () {
  "use strict";
  var box = document.querySelector("[data-offline-queue]");
  if (!box || !window.indexedDB || !window.fetch || !window.FormData || !window.Promise) return;
  var form = document.querySelector("form[data-offline-form]");
  var list = box.querySelector("[data-queue-list]");
  var status = box.querySelector("[data-queue-status]");
  var owner = box.dataset.owner;
  var formUrl = box.dataset.formUrl;
  var appealsUrl = box.dataset.appealsUrl;
  var MAX_SIDE = 1600;
  var sending = {};
  var shrinking = Promise.resolve();

  // --- storage -------------------------------------------------------------------------------
  function database() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("pos-offline-drafts", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("drafts", { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("drafts", mode);
        var result = work(transaction.objectStore("drafts"));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }
  function all() {
    return store("readonly", function (drafts) { return drafts.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (row) { return row.owner === owner; })
        .sort(function (a, b) { return a.saved - b.saved; });
    });
  }
  function put(entry) { return store("readwrite", function (drafts) { drafts.put(entry); }); }
  function remove(key) { return store("readwrite", function (drafts) { drafts.delete(key); }); }

  // --- the list «Ожидает отправки» ------------------------------------------------------------
  function say(text, link) {
    status.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = box.dataset.openLabel;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(a);
    }
    box.hidden = false;
  }
  function button(label, className, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    element.addEventListener("click", action);
    return element;
  }
  function render() {
    return all().then(function (entries) {
      list.replaceChildren();
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        var text = document.createElement("span");
        text.className = "offline-draft-text";
        text.textContent = entry.text.length > 80 ? entry.text.slice(0, 80) + "…" : entry.text;
        var when = document.createElement("span");
        when.className = "help";
        when.textContent = " " + box.dataset.savedLabel + " " + new Date(entry.saved).toLocaleString();
        item.append(text, when, " ");
        item.appendChild(button(box.dataset.sendLabel, "button button-small", function () { send(entry).then(render); }));
        item.append(" ");
        item.appendChild(button(box.dataset.deleteLabel, "link-button", function () {
          remove(entry.key).then(function () { say(box.dataset.deleted); return render(); });
        }));
        if (entry.error) {
          var error = document.createElement("p");
          error.className = "error";
          error.textContent = entry.error;
          item.appendChild(error);
        }
        list.appendChild(item);
      });
      box.hidden = entries.length === 0 && !status.textContent;
    });
  }

  // --- sending ---------------------------------------------------------------------------------
  function token() {
    var input = document.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }
  function payload(fields) {
    var data = new FormData();
    fields.forEach(function (pair) {
      if (pair[0] === "csrfmiddlewaretoken") return;
      if (pair[1] instanceof Blob) data.append(pair[0], pair[1], pair[1].name || "photo.jpg");
      else data.append(pair[0], pair[1]);
    });
    // The token of the page open now: the session (and its CSRF secret) is the one in use.
    data.append("csrfmiddlewaretoken", token());
    return data;
  }
  function filed(response) {
    var path = new URL(response.url).pathname;
    return response.ok && response.redirected && path.indexOf(appealsUrl) === 0 &&
      path !== appealsUrl && path !== formUrl;
  }
  function refusal(response) {
    return response.text().then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var summary = page.querySelector(".error-summary");
      var text = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
      return text || box.dataset.refused;
    }, function () { return box.dataset.refused; });
  }
  function send(entry) {
    if (sending[entry.key]) return sending[entry.key];
    var attempt = fetch(formUrl, { method: "POST", body: payload(entry.fields), credentials: "same-origin" })
      .then(function (response) {
        if (filed(response)) {
          return remove(entry.key).then(function () { say(box.dataset.sent, response.url); });
        }
        return refusal(response).then(function (message) {
          entry.error = message;
          return put(entry).then(function () { say(message); });
        });
      }, function () { say(box.dataset.waiting); })
      .finally(function () { delete sending[entry.key]; });
    sending[entry.key] = attempt;
    return attempt;
  }
  function sendAll() {
    if (!navigator.onLine) return Promise.resolve();
    return all().then(function (entries) {
      return entries.reduce(function (chain, entry) {
        return chain.then(function () { return send(entry); });
      }, Promise.resolve());
    }).then(render);
  }

  // --- photos made smaller on the device ------------------------------------------------------
  function smaller(file) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = MAX_SIDE / Math.max(bitmap.width, bitmap.height);
      if (scale >= 1) { bitmap.close(); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }
  function bindPhotos(input) {
    if (!window.DataTransfer) return;
    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files);
      shrinking = Promise.all(chosen.map(smaller)).then(function (files) {
        if (files.every(function (file, i) { return file === chosen[i]; })) return;
        var transfer = new DataTransfer();
        files.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
      });
    });
  }

  // --- the filing form ---------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function keep(fields) {
    var text = "";
    var key = "";
    fields.forEach(function (pair) {
      if (pair[0] === "text") text = pair[1];
      if (pair[0] === "idempotency_key") key = pair[1];
    });
    var entry = { key: key || newKey(), owner: owner, saved: Date.now(), text: text, fields: fields };
    return put(entry).then(function () {
      // A second appeal written offline is another appeal: it gets a key of its own.
      form.reset();
      form.elements.idempotency_key.value = newKey();
      say(box.dataset.kept);
      return render();
    });
  }
  function bindForm() {
    var files = form.querySelector("input[type='file'][name='files']");
    var shrunk = true;
    if (files) {
      bindPhotos(files);
      files.addEventListener("change", function () {
        shrunk = false;
        shrinking.then(function () { shrunk = true; });
      });
    }
    form.addEventListener("submit", function (event) {
      // The no-script helper buttons (show the officials, find published answers) post as usual.
      if (event.submitter && event.submitter.name) return;
      if (navigator.onLine && shrunk) return;  // online: the form posts as it always did
      event.preventDefault();
      shrinking.then(function () {
        if (navigator.onLine) { HTMLFormElement.prototype.submit.call(form); return null; }
        var fields = [];
        new FormData(form).forEach(function (value, name) {
          if (!(value instanceof Blob) || value.size > 0) fields.push([name, value]);
        });
        return keep(fields);
      });
    });
  }

  if (form) bindForm();
  window.addEventListener("online", sendAll);
  render().then(sendAll);
})();
