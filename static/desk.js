// The check-in desk, online and off. While online it keeps a roster of
// the registrations in IndexedDB (only what changed since it last asked)
// and sends each scan at once; with the network gone it answers scans and
// names from that roster and queues the check-ins, each with an id of its
// own, until the network is back. Without script the page's forms do the
// same work online.
(function () {
  "use strict";
  var root = document.getElementById("desk");
  if (!root) {
    return;
  }
  var T = JSON.parse(root.dataset.texts);
  var deskName = root.dataset.desk;
  var zone = root.dataset.zone;
  var printAtScan = root.dataset.print === "1";
  var layout = root.dataset.layout ? "?layout=" + encodeURIComponent(root.dataset.layout) : "";
  var canForce = root.dataset.force === "1";
  var net = document.getElementById("net");
  var rosterState = document.getElementById("roster-state");
  var outcome = document.getElementById("outcome");
  var found = document.getElementById("found");
  var recent = document.querySelector("#recent tbody");
  var code = document.getElementById("code");

  var db = null;
  var roster = new Map(); // reference → entry
  var cursor = 0;
  var queue = []; // scans not yet sent
  var online = navigator.onLine;
  var sending = false;
  var shown = ""; // the id of the scan on show

  function fmt(text) {
    var args = Array.prototype.slice.call(arguments, 1);
    return text.replace(/%[ds]/g, function () { return String(args.shift()); });
  }

  function today() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function newID() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return "desk-" + Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
  }

  function hash(text) {
    if (!window.crypto || !crypto.subtle) {
      return Promise.resolve("");
    }
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (sum) {
      return Array.prototype.map.call(new Uint8Array(sum).slice(0, 16), function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    });
  }

  // IndexedDB: the roster by reference, the queue by scan id, the cursor.
  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function openStore() {
    var r = indexedDB.open("delegate-desk", 1);
    r.onupgradeneeded = function () {
      r.result.createObjectStore("roster", { keyPath: "r" });
      r.result.createObjectStore("queue", { keyPath: "id" });
      r.result.createObjectStore("meta");
    };
    return request(r);
  }

  function store(name, mode) {
    return db.transaction(name, mode).objectStore(name);
  }

  function showNet() {
    var waiting = queue.length;
    localStorage.setItem("delegate-desk-waiting", String(waiting)); // signing out asks first
    if (!online) {
      net.textContent = fmt(T.offline, waiting);
      net.className = "net off";
    } else {
      net.textContent = waiting ? fmt(T.waiting, waiting) : T.online;
      net.className = "net";
    }
    rosterState.textContent = fmt(T.roster, roster.size);
  }

  function setOnline(state) {
    if (online !== state) {
      online = state;
      showNet();
    }
  }

  function getJSON(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin", headers: { Accept: "application/json", "Content-Type": "application/json" } }, options))
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!response.ok || !json) {
          throw new Error(response.status === 200 ? T.signed_out : response.statusText);
        }
        return response.json();
      });
  }

  // The roster: the changes after the cursor, a page at a time.
  function refreshRoster() {
    return getJSON("/admin/checkin/roster?after=" + cursor).then(function (page) {
      setOnline(true);
      var s = store("roster", "readwrite");
      page.entries.forEach(function (e) {
        var mine = roster.get(e.r);
        if (mine && mine.d === today() && e.d !== today()) {
          e.d = mine.d; // checked in here, not yet sent
        }
        roster.set(e.r, e);
        s.put(e);
      });
      cursor = page.next;
      store("meta", "readwrite").put(cursor, "cursor");
      root.dataset.synced = String(cursor); // how far the roster is kept
      showNet();
      if (page.more) {
        return refreshRoster();
      }
    }).catch(function () { setOnline(false); });
  }

  // answer says what the roster says of a scan.
  function answer(scan) {
    var ref = scan.reference;
    var version = 0;
    var text = (scan.code || "").trim().toUpperCase();
    if (!ref) {
      var i = text.lastIndexOf("-");
      var body = text.slice(0, i);
      var j = body.lastIndexOf("-");
      ref = body.slice(0, j);
      version = Number(body.slice(j + 1));
    }
    var e = roster.get(ref);
    if (!e) {
      return Promise.resolve({ outcome: "refused", reason: "unknown" });
    }
    var checked = scan.reference ? Promise.resolve(true) : hash(text).then(function (h) {
      return h !== "" && h === e.h;
    });
    return checked.then(function (valid) {
      if (!valid) {
        return { outcome: "refused", reason: version && e.v && version < e.v ? "revoked_badge" : "unknown", entry: e };
      }
      if (["pending", "approved", "waitlisted"].indexOf(e.st) < 0) {
        return { outcome: "refused", reason: "not_live", entry: e };
      }
      if (!scan.force && e.st !== "approved") {
        return { outcome: "warn", reason: "not_approved", entry: e };
      }
      if (!scan.force && e.p === "unpaid") {
        return { outcome: "warn", reason: "payment_due", entry: e };
      }
      return { outcome: e.d === today() ? "already" : "ok", entry: e };
    });
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  var classes = { ok: "ok", already: "again", warn: "warn", refused: "stop" };

  function messageOf(res) {
    if (res.message) {
      return res.message;
    }
    return T[res.outcome === "ok" || res.outcome === "already" ? res.outcome : res.reason] || T.unknown;
  }

  function printForm(ref) {
    var form = element("form", "inline-form");
    form.method = "post";
    form.action = "/admin/registrations/" + encodeURIComponent(ref) + "/badge.pdf" + layout;
    form.target = "_blank";
    form.appendChild(element("button", "button", T.print)).type = "submit";
    return form;
  }

  // show puts a scan's answer on the page: green, blue, amber or red.
  function show(scan, res, note) {
    shown = scan.id;
    var e = res.entry;
    var box = element("section", "outcome outcome-" + classes[res.outcome]);
    box.setAttribute("role", "status");
    box.appendChild(element("p", "big", messageOf(res)));
    if (e && e.ph && online) {
      var img = element("img", "desk-photo");
      img.src = "/admin/registrations/" + encodeURIComponent(e.r) + "/photo.jpg";
      img.alt = T.photo_alt;
      img.width = 120;
      img.height = 160;
      box.appendChild(img);
    } else if (e && e.ph) {
      // photos are sealed like passport data: the roster never holds one
      box.appendChild(element("p", "hint", T.photo_offline));
    }
    if (e && e.n) {
      var who = element("p");
      who.appendChild(element("strong", "", e.n));
      who.appendChild(document.createTextNode(" · "));
      who.appendChild(element("code", "", e.r));
      box.appendChild(who);
      box.appendChild(element("p", "", [e.k, e.c, e.o].filter(Boolean).join(" · ")));
      if (e.p === "unpaid" && e.f) {
        box.appendChild(element("p", "", fmt(T.fee, e.f)));
      }
      if (e.st === "approved") {
        box.appendChild(printForm(e.r));
      }
      if (e.pp && !e.ph && online && navigator.mediaDevices) {
        box.appendChild(window.DeskCamera.photoButton(e, T, element));
      }
    }
    if (res.outcome === "warn" && canForce && !scan.force) {
      var again = element("button", "button", T.force);
      again.type = "button";
      again.addEventListener("click", function () {
        submit({ code: scan.code, reference: scan.reference, force: true });
      });
      box.appendChild(again);
    }
    if (note) {
      box.appendChild(element("p", "hint", note));
    }
    outcome.replaceChildren(box);
  }

  function addRecent(scan, res) {
    var row = element("tr", "scan-" + res.outcome);
    row.dataset.scan = scan.id;
    var time = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .format(new Date(scan.at));
    row.appendChild(element("td", "", time));
    var who = element("td", "", res.entry && res.entry.n ? res.entry.n + " " : "—");
    if (res.entry && res.entry.n) {
      who.appendChild(element("code", "", res.entry.r));
    }
    row.appendChild(who);
    row.appendChild(element("td", "", messageOf(res)));
    var actions = element("td");
    if (res.entry && res.entry.st === "approved") {
      actions.appendChild(printForm(res.entry.r));
    }
    row.appendChild(actions);
    var none = recent.querySelector("td[colspan]");
    if (none) {
      none.parentNode.remove();
    }
    recent.insertBefore(row, recent.firstChild);
    while (recent.rows.length > 20) {
      recent.deleteRow(recent.rows.length - 1);
    }
  }

  // printBadge opens the badge of a first check-in, never printed, ready
  // to print, and counts it printed.
  function printBadge(e) {
    if (!printAtScan || !e || e.pr || e.st !== "approved") {
      return;
    }
    var opened = window.open("/admin/registrations/" + encodeURIComponent(e.r) + "/badge.pdf" + layout, "_blank");
    if (!opened) {
      return; // blocked: the outcome's print button stays
    }
    e.pr = 1;
    fetch("/admin/registrations/" + encodeURIComponent(e.r) + "/badge-printed", { method: "POST", credentials: "same-origin" });
  }

  // submit answers a scan from the roster at once and queues it; online,
  // the server's answer follows in a moment and stands.
  function submit(fields) {
    var scan = { id: newID(), at: new Date().toISOString(), offline: !online };
    if (fields.code) {
      scan.code = fields.code.trim();
    }
    if (fields.reference) {
      scan.reference = fields.reference;
    }
    if (fields.force) {
      scan.force = true;
    }
    return answer(scan).then(function (res) {
      if (!online && (res.outcome === "refused" || res.outcome === "warn")) {
        show(scan, res); // nothing to send: the desk decides
        addRecent(scan, res);
        return;
      }
      if (res.entry && (res.outcome === "ok" || res.outcome === "already")) {
        if (res.outcome === "ok" && online) {
          printBadge(res.entry);
        }
        res.entry.d = today();
        store("roster", "readwrite").put(res.entry);
      }
      show(scan, res, online ? "" : T.queued);
      addRecent(scan, res);
      queue.push(scan);
      store("queue", "readwrite").put(scan);
      showNet();
      flush();
    });
  }

  // flush sends the queue, oldest first; each scan is applied once,
  // however often it is sent.
  function flush() {
    if (sending || queue.length === 0) {
      return;
    }
    sending = true;
    var batch = queue.slice(0, 200);
    getJSON("/admin/checkin/sync", { method: "POST", body: JSON.stringify({ desk: deskName, scans: batch }) })
      .then(function (answer) {
        setOnline(true);
        var done = new Set();
        var s = store("queue", "readwrite");
        answer.results.forEach(function (res) {
          done.add(res.id);
          s.delete(res.id);
          var e = roster.get(res.reference);
          res.entry = e;
          var row = recent.querySelector('tr[data-scan="' + res.id + '"]');
          if (row) {
            row.className = "scan-" + res.outcome;
            row.cells[2].textContent = res.message;
          }
          if (res.id === shown) {
            show(batch.find(function (scan) { return scan.id === res.id; }), res);
          }
        });
        queue = queue.filter(function (scan) { return !done.has(scan.id); });
        sending = false;
        showNet();
        flush();
      })
      .catch(function () {
        sending = false;
        setOnline(false);
        setTimeout(flush, 5000);
      });
  }

  // Name search: the server's while online, the roster's while not.
  document.getElementById("search-form").addEventListener("submit", function (event) {
    if (online) {
      return;
    }
    event.preventDefault();
    var words = fold(document.getElementById("q").value).split(/\s+/).filter(Boolean);
    var hits = [];
    roster.forEach(function (e) {
      if (e.q && words.length && words.every(function (w) { return e.q.indexOf(w) >= 0; }) && hits.length < 20) {
        hits.push(e);
      }
    });
    found.replaceChildren();
    if (hits.length === 0) {
      found.appendChild(element("li", "hint", T.none));
    }
    hits.forEach(function (e) {
      var li = element("li");
      var who = element("span", "who");
      who.appendChild(element("strong", "", e.n));
      who.appendChild(document.createTextNode(" · " + [e.o, e.c].filter(Boolean).join(" · ") + " "));
      who.appendChild(element("code", "", e.r));
      li.appendChild(who);
      var button = element("button", "button", T.checkin);
      button.type = "button";
      button.addEventListener("click", function () { submit({ reference: e.r }); });
      li.appendChild(button);
      found.appendChild(li);
    });
    found.appendChild(element("li", "hint", T.from_roster));
  });

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = code.value;
    code.value = "";
    code.focus();
    if (text.trim()) {
      submit({ code: text });
    }
  });

  // A camera as scanner, where the browser reads QR codes itself
  // (desk-camera.js).
  window.DeskCamera.scanner(T, submit);

  window.addEventListener("online", function () { setOnline(true); flush(); refreshRoster(); });
  window.addEventListener("offline", function () { setOnline(false); });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/admin/desk-sw.js", { scope: "/admin/checkin" }).catch(function () {});
  }

  openStore().then(function (opened) {
    db = opened;
    return Promise.all([request(store("roster", "readonly").getAll()), request(store("queue", "readonly").getAll()),
      request(store("meta", "readonly").get("cursor"))]);
  }).then(function (got) {
    got[0].forEach(function (e) { roster.set(e.r, e); });
    queue = got[1].sort(function (a, b) { return a.at < b.at ? -1 : 1; });
    cursor = got[2] || 0;
    showNet();
    root.dataset.ready = "1";
    return refreshRoster();
  }).then(function () {
    root.dataset.synced = String(cursor);
    flush();
    setInterval(function () { if (online) { refreshRoster(); } }, 30000);
  });
})();
