// Small enhancements of the registration form; it works without them.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, take the reader to the first field in error.
  var first = document.querySelector("[aria-invalid=true]");
  if (first) {
    first.focus();
  }
});
