// Small enhancements of the registration form; it works without them.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, take the reader to the summary of what is
  // wrong (each line links to its field), or else to the first field in
  // error.
  var first = document.getElementById("form-errors") || document.querySelector("[aria-invalid=true]");
  if (first) {
    first.focus();
  }
  // A progress page reloads itself while work goes on; without script its
  // "refresh" link does the same.
  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    setTimeout(function () { location.reload(); }, 1000 * Number(refresh.dataset.refresh));
  }
});
