// "Insert" of a canned reply without leaving the page: the form is sent exactly as the
// button would send it (the server fills in the placeholders and posts nothing), and the
// text box of the composer that comes back replaces this one's text. Without JavaScript,
// or if the request fails, the button does its ordinary round trip.
(function () {
  "use strict";
  var button = document.querySelector("button[name=action][value=insert]");
  if (!button || !window.fetch || !window.DOMParser || !window.FormData) { return; }
  var form = button.form;
  var body = form.querySelector("textarea[name=body]");
  if (!body) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    data.set("action", "insert");
    button.disabled = true;
    // Not `form.action`: the buttons named "action" shadow it.
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      body: new URLSearchParams(data)
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var filled = html && new DOMParser().parseFromString(html, "text/html")
          .querySelector("textarea[name=body]");
        if (!filled) { throw new Error("no composer came back"); }
        body.value = filled.value;
        body.focus();
        body.setSelectionRange(body.value.length, body.value.length);
        button.disabled = false;
      })
      .catch(function () { button.disabled = false; form.requestSubmit(button); });
  });
}());
