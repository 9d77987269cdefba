// Small enhancements of the registration form; it works without them.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, take the reader to the summary of what is
  // wrong (each line links to its field), or else to the first field in
  // error.
  var first = document.getElementById("form-errors") || document.querySelector("[aria-invalid=true]");
  if (first) {
    first.focus();
  }
  // Signing out clears what a desk kept on this device: the roster of
  // names, the queue and the page's copy (a shared laptop keeps nothing).
  var logout = document.querySelector('form[action="/admin/logout"]');
  if (logout) {
    logout.addEventListener("submit", function (event) {
      var waiting = Number(localStorage.getItem("delegate-desk-waiting") || 0);
      if (waiting > 0 && !window.confirm(logout.dataset.unsent.replace("%d", waiting))) {
        event.preventDefault(); // the check-ins not yet sent stay, with the roster
        return;
      }
      localStorage.removeItem("delegate-desk-waiting");
      if (window.indexedDB) {
        indexedDB.deleteDatabase("delegate-desk");
      }
      if (window.caches) {
        caches.delete("delegate-desk-1");
      }
    });
  }
  // "Select all on this page" ticks every row; the server reads the page's
  // rows from the box alone, so it works without script too.
  var page = document.querySelector("[data-select-page]");
  if (page) {
    page.addEventListener("change", function () {
      page.form.querySelectorAll("input[name=ref]").forEach(function (box) { box.checked = page.checked; });
    });
  }
  // The dashboard brings its numbers up to date in place: now, on "update
  // now", and every data-live seconds while delegates arrive, unless
  // paused. Without script the link reloads the page.
  var now = document.querySelector("[data-live-now]");
  var live = document.getElementById("live");
  if (now && live) {
    var bar = now.parentNode, pause = bar.querySelector("[data-live-pause]"), at = bar.querySelector("[data-live-at]");
    var paused = false;
    var update = function () {
      fetch(now.href, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
          if (fresh) {
            live.replaceWith(fresh);
            live = fresh;
            at.textContent = new Date().toLocaleTimeString();
          }
        }).catch(function () { at.textContent = "…"; });
    };
    now.addEventListener("click", function (e) { e.preventDefault(); update(); });
    if (pause) {
      var label = pause.textContent;
      pause.hidden = false;
      pause.addEventListener("click", function () {
        paused = !paused;
        pause.textContent = paused ? pause.dataset.resume : label;
      });
      setInterval(function () { if (!paused) { update(); } }, 1000 * Number(bar.dataset.live));
    }
  }
  // A progress page reloads itself while work goes on; without script its
  // "refresh" link does the same.
  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    setTimeout(function () { location.reload(); }, 1000 * Number(refresh.dataset.refresh));
  }
});
