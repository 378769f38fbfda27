// "Similar questions" as the title of a new question is typed: the same list the "Check
// for similar questions" button shows, fetched from the server a moment after typing stops.
(function () {
  "use strict";
  var box = document.getElementById("similar");
  var title = document.getElementById("f-title");
  if (!box || !title || !window.fetch) { return; }
  var timer = null;
  var asked = "";
  function look() {
    var typed = title.value.trim();
    if (typed === asked) { return; }
    asked = typed;
    if (typed.length < 10) { box.innerHTML = ""; return; }
    fetch(box.getAttribute("data-url") + "?title=" + encodeURIComponent(typed), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && asked === typed) { box.innerHTML = html; } })
      .catch(function () { /* the button still works */ });
  }
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(look, 300);
  });
}());
