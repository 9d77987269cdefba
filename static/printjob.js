// A print job's parts download without leaving the page, and its progress
// bar follows; without script each part's form downloads the same file.
document.addEventListener("DOMContentLoaded", function () {
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-printed");
  document.querySelectorAll("form[data-part]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, { method: "POST", credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          var name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
          return response.blob().then(function (blob) { return { blob: blob, name: name ? name[1] : "badges.pdf" }; });
        })
        .then(function (file) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(file.blob);
          link.download = file.name;
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
          var state = form.closest("tr").querySelector(".part-state");
          if (state.dataset.done !== "yes" && state.textContent.trim() === "—") {
            bar.value = Number(bar.value) + 1;
            count.textContent = String(bar.value);
          }
          state.dataset.done = "yes";
          state.textContent = form.dataset.printed;
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  });
});
