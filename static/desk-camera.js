// The desk's cameras: a camera as badge scanner, where the browser reads
// QR codes itself (BarcodeDetector), and the delegate's photo taken at the
// desk. desk.js calls them; without a camera the desk works as before.
window.DeskCamera = (function () {
  "use strict";

  // photoButton takes the delegate's badge photo with the camera: the
  // server crops, scales and seals it as an upload.
  function photoButton(e, T, element) {
    var wrap = element("div", "take-photo");
    var button = element("button", "button", T.photo_take);
    button.type = "button";
    wrap.appendChild(button);
    var video = element("video", "camera");
    video.hidden = true;
    video.muted = true;
    video.setAttribute("playsinline", "");
    wrap.appendChild(video);
    var stream = null;
    button.addEventListener("click", function () {
      if (!stream) {
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } }).then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          video.play();
          button.textContent = T.photo_capture;
        }).catch(function () { button.disabled = true; });
        return;
      }
      var canvas = document.createElement("canvas");
      var w = video.videoWidth, h = video.videoHeight;
      var cw = Math.min(w, h * 3 / 4), ch = cw * 4 / 3;
      canvas.width = 450;
      canvas.height = 600;
      canvas.getContext("2d").drawImage(video, (w - cw) / 2, (h - ch) / 2, cw, ch, 0, 0, 450, 600);
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.hidden = true;
      canvas.toBlob(function (blob) {
        var form = new FormData();
        form.append("photo", blob, "desk.jpg");
        fetch("/admin/registrations/" + encodeURIComponent(e.r) + "/photo", {
          method: "POST", credentials: "same-origin", headers: { Accept: "application/json" }, body: form
        }).then(function (response) {
          if (response.ok) {
            e.ph = true;
            wrap.replaceChildren(element("p", "", T.photo_saved));
          } else {
            button.textContent = T.photo_take;
          }
        });
      }, "image/jpeg", 0.9);
    });
    return wrap;
  }

  // scanner shows the camera button where QR codes can be read, and
  // submits each code it sees (the same one again after 3 s).
  function scanner(T, submit) {
    var cameraButton = document.getElementById("camera");
    if ("BarcodeDetector" in window && navigator.mediaDevices) {
      cameraButton.hidden = false;
      var video = document.getElementById("camera-view");
      var stream = null;
      var last = { text: "", at: 0 };
      cameraButton.addEventListener("click", function () {
        if (stream) {
          stream.getTracks().forEach(function (t) { t.stop(); });
          stream = null;
          video.hidden = true;
          cameraButton.textContent = T.camera;
          return;
        }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          video.play();
          cameraButton.textContent = T.camera_stop;
          (function look() {
            if (!stream) {
              return;
            }
            detector.detect(video).then(function (codes) {
              var now = Date.now();
              if (codes.length && (codes[0].rawValue !== last.text || now - last.at > 3000)) {
                last = { text: codes[0].rawValue, at: now };
                submit({ code: codes[0].rawValue });
              }
            }).catch(function () {}).then(function () { setTimeout(look, 250); });
          })();
        }).catch(function () { cameraButton.hidden = true; });
      });
    }
  }

  return { photoButton: photoButton, scanner: scanner };
})();
