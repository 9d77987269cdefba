// Small enhancements of the registration form; it works without them.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, take the reader to the summary of what is
  // wrong (each line links to its field), or else to the first field in
  // error.
  var first = document.getElementById("form-errors") || document.querySelector("[aria-invalid=true]");
  if (first) {
    first.focus();
  }
  // "Select all on this page" ticks every row; the server reads the page's
  // rows from the box alone, so it works without script too.
  var page = document.querySelector("[data-select-page]");
  if (page) {
    page.addEventListener("change", function () {
      page.form.querySelectorAll("input[name=ref]").forEach(function (box) { box.checked = page.checked; });
    });
  }
  // A progress page reloads itself while work goes on; without script its
  // "refresh" link does the same.
  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    setTimeout(function () { location.reload(); }, 1000 * Number(refresh.dataset.refresh));
  }
});
