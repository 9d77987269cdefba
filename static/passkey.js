// Passkeys: a form with data-passkey carries the WebAuthn options the
// server made. On submit the browser's authenticator answers, the answer
// goes in the form's "credential" field, and the form is sent as usual.
document.addEventListener("DOMContentLoaded", function () {
  function bytes(s) {
    var bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function text(buf) {
    if (!buf) { return null; }
    var b = new Uint8Array(buf), s = "";
    for (var i = 0; i < b.length; i++) { s += String.fromCharCode(b[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function ids(list) {
    (list || []).forEach(function (c) { c.id = bytes(c.id); });
  }
  // answer is the credential as the server reads it (the WebAuthn JSON form).
  function answer(cred) {
    var r = cred.response, out = {id: cred.id, rawId: text(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults(), response: {clientDataJSON: text(r.clientDataJSON)}};
    if (r.attestationObject) {
      out.response.attestationObject = text(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = text(r.authenticatorData);
      out.response.signature = text(r.signature);
      out.response.userHandle = text(r.userHandle);
    }
    return JSON.stringify(out);
  }
  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var status = form.querySelector("[data-passkey-status]");
    if (!window.PublicKeyCredential) {
      status.textContent = form.dataset.unsupported;
      form.querySelector("button").disabled = true;
      return;
    }
    form.addEventListener("submit", function (e) {
      if (form.elements.credential.value) { return; }
      e.preventDefault();
      var o = JSON.parse(form.dataset.options).publicKey;
      o.challenge = bytes(o.challenge);
      var ask;
      if (form.dataset.passkey === "create") {
        o.user.id = bytes(o.user.id);
        ids(o.excludeCredentials);
        ask = navigator.credentials.create({publicKey: o});
      } else {
        ids(o.allowCredentials);
        ask = navigator.credentials.get({publicKey: o});
      }
      ask.then(function (cred) {
        form.elements.credential.value = answer(cred);
        form.submit();
      }, function () {
        status.textContent = form.dataset.cancelled;
      });
    });
  });
});
