// The composer with JavaScript: files dropped, pasted or picked are uploaded at once and
// listed; the text is kept as a draft on the server a moment after typing stops; "@"
// suggests member names; and text selected in a post can be quoted into the reply box.
// Without it every part still works through the form's own fields and buttons.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) { return; }

  function csrfOf(form) {
    var input = form.querySelector("input[name=csrf]");
    return input ? input.value : "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // --- Attachments -------------------------------------------------------------------
  function setUpFiles(form) {
    var list = form.querySelector("#attached");
    var picker = form.querySelector("#f-files");
    var fieldset = form.querySelector("#attachments");
    if (!list || !picker || !fieldset) { return; }
    var status = el("p", { "class": "upload-status", "role": "status", "aria-live": "polite" });
    fieldset.appendChild(status);

    function say(message, isError) {
      status.textContent = message;
      status.className = isError ? "upload-status error" : "upload-status";
    }

    function listed(file) {
      var item = el("li", { "data-id": String(file.id) });
      item.appendChild(el("input", { type: "hidden", name: "attachment", value: String(file.id) }));
      if (file.thumbnail) {
        item.appendChild(el("img", { src: file.thumbnail, alt: "", width: "48", height: "48" }));
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(el("a", { href: file.url }, file.name));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", { "class": "size" }, "(" + file.size + ")"));
      item.appendChild(document.createTextNode(" "));
      var remove = el("label", { "class": "remove" });
      remove.appendChild(el("input", { type: "checkbox", name: "remove", value: String(file.id) }));
      remove.appendChild(document.createTextNode(" Remove"));
      item.appendChild(remove);
      list.appendChild(item);
    }

    var queue = Promise.resolve();
    function upload(file) {
      queue = queue.then(function () {
        say("Uploading " + (file.name || "picture") + "…", false);
        var data = new FormData();
        data.append("csrf", csrfOf(form));
        data.append("already", String(list.querySelectorAll("li").length));
        data.append("file", file, file.name || "pasted.png");
        return fetch(list.getAttribute("data-upload"), {
          method: "POST", body: data, credentials: "same-origin"
        }).then(function (response) {
          return response.json().catch(function () { return { error: "The upload failed (" + response.status + ")." }; });
        }).then(function (answer) {
          if (answer.error) { say(answer.error, true); return; }
          listed(answer);
          say("Attached " + answer.name + ".", false);
        }).catch(function () {
          say("The upload failed; please try again, or use the file field and post the form.", true);
        });
      });
      return queue;
    }

    function uploadAll(files) {
      for (var i = 0; i < files.length; i++) { upload(files[i]); }
    }

    picker.addEventListener("change", function () {
      uploadAll(picker.files);
      picker.value = "";
    });
    form.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        form.classList.add("dragging");
      }
    });
    form.addEventListener("dragleave", function () { form.classList.remove("dragging"); });
    form.addEventListener("drop", function (event) {
      form.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files.length) {
        event.preventDefault();
        uploadAll(event.dataTransfer.files);
      }
    });
    form.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data || !data.files || !data.files.length) { return; }
      event.preventDefault();
      uploadAll(data.files);
    });
  }

  // --- Drafts ------------------------------------------------------------------------
  function setUpDraft(form) {
    var url = form.getAttribute("data-draft-url");
    var body = form.querySelector("textarea[name=body]");
    if (!url || !body) { return; }
    var title = form.querySelector("input[name=title]");
    var status = form.querySelector("#draft-status");
    var timer = null;
    var last = body.value + "\u0000" + (title ? title.value : "");
    var posting = false;

    function save() {
      var now = body.value + "\u0000" + (title ? title.value : "");
      if (now === last || posting) { return; }
      var data = new URLSearchParams();
      data.append("csrf", csrfOf(form));
      if (form.getAttribute("data-draft-thread")) { data.append("thread", form.getAttribute("data-draft-thread")); }
      if (form.getAttribute("data-draft-forum")) { data.append("forum", form.getAttribute("data-draft-forum")); }
      data.append("title", title ? title.value : "");
      data.append("body", body.value);
      fetch(url, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        last = now;
        if (status) {
          var at = new Date();
          status.textContent = " Draft saved " + at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        }
      }).catch(function () {
        if (status) { status.textContent = " Draft not saved: the server did not answer."; }
      });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(save, 2000);
    }
    body.addEventListener("input", later);
    if (title) { title.addEventListener("input", later); }
    // Posting removes the draft on the server; no save may race it.
    form.addEventListener("submit", function () { posting = true; clearTimeout(timer); });
    window.addEventListener("pagehide", function () { if (!posting) { save(); } });
  }

  // --- "@" suggestions ---------------------------------------------------------------
  function setUpMentions(textarea) {
    var box = el("ul", { "class": "mention-list", role: "listbox", id: "mention-list", hidden: "" });
    textarea.parentNode.insertBefore(box, textarea.nextSibling);
    textarea.setAttribute("aria-controls", "mention-list");
    textarea.setAttribute("aria-autocomplete", "list");
    var timer = null;
    var active = -1;
    var asked = "";

    function typed() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = /(^|[^\w.@-])@([\w.-]{1,32})$/.exec(before);
      return match ? match[2] : null;
    }

    function close() {
      box.hidden = true;
      box.innerHTML = "";
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function choose(name) {
      var at = textarea.selectionStart;
      var before = textarea.value.slice(0, at).replace(/@([\w.-]{1,32})$/, "@" + name + " ");
      textarea.value = before + textarea.value.slice(at);
      textarea.selectionStart = textarea.selectionEnd = before.length;
      close();
      textarea.focus();
      textarea.dispatchEvent(new Event("input"));
    }

    function mark(index) {
      var items = box.querySelectorAll("li");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) { items[i].setAttribute("aria-selected", i === active ? "true" : "false"); }
      textarea.setAttribute("aria-activedescendant", items[active].id);
    }

    function show(names) {
      box.innerHTML = "";
      if (!names.length) { close(); return; }
      names.forEach(function (name, i) {
        var item = el("li", { role: "option", id: "mention-" + i, "aria-selected": "false" }, "@" + name);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(name); });
        box.appendChild(item);
      });
      box.hidden = false;
      mark(0);
    }

    function look() {
      var prefix = typed();
      if (prefix === null) { close(); return; }
      if (prefix === asked) { return; }
      asked = prefix;
      fetch(textarea.getAttribute("data-names") + "?q=" + encodeURIComponent(prefix), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (names) { if (typed() === prefix) { show(names); } })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      asked = "";
      timer = setTimeout(look, 120);
    });
    textarea.addEventListener("keydown", function (event) {
      if (box.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Enter" || event.key === "Tab") {
        var item = box.querySelectorAll("li")[active];
        if (item) { event.preventDefault(); choose(item.textContent.slice(1)); }
      } else if (event.key === "Escape") { close(); }
    });
    textarea.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // --- Quote the selection -----------------------------------------------------------
  function setUpSelectionQuote() {
    var box = document.querySelector(".reply-box textarea[name=body]");
    if (!box) { return; }
    var button = el("button", { type: "button", "class": "quote-selection", hidden: "" }, "Quote");
    document.body.appendChild(button);
    var chosen = null;

    function postOf(node) {
      while (node && node !== document) {
        if (node.nodeType === 1 && node.matches("article.post")) { return node; }
        node = node.parentNode;
      }
      return null;
    }

    function update() {
      var selection = window.getSelection();
      var text = selection ? selection.toString().trim() : "";
      var post = text && selection.rangeCount ? postOf(selection.getRangeAt(0).commonAncestorContainer) : null;
      var inBody = post && postOf(selection.anchorNode) === post && selection.anchorNode.parentNode &&
        (selection.anchorNode.parentNode.closest ? selection.anchorNode.parentNode.closest(".body") : null);
      if (!post || !inBody) { button.hidden = true; chosen = null; return; }
      chosen = { text: text, id: post.id.replace(/^p/, ""), author: post.getAttribute("data-author") || "" };
      var rect = selection.getRangeAt(0).getBoundingClientRect();
      button.style.top = (window.scrollY + rect.bottom + 6) + "px";
      button.style.left = (window.scrollX + rect.left) + "px";
      button.hidden = false;
    }

    document.addEventListener("selectionchange", function () { setTimeout(update, 0); });
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      if (!chosen) { return; }
      var author = chosen.author.replace(/[\]\n]/g, "");
      var quote = "[quote=" + author + " post=" + chosen.id + "]\n" + chosen.text + "\n[/quote]\n\n";
      var kept = box.value.replace(/\s+$/, "");
      box.value = (kept ? kept + "\n\n" : "") + quote;
      button.hidden = true;
      box.focus();
      box.selectionStart = box.selectionEnd = box.value.length;
      box.dispatchEvent(new Event("input"));
    });
  }

  var forms = document.querySelectorAll("form.composer");
  for (var i = 0; i < forms.length; i++) {
    setUpFiles(forms[i]);
    setUpDraft(forms[i]);
    var textarea = forms[i].querySelector("textarea[data-names]");
    if (textarea) { setUpMentions(textarea); }
  }
  setUpSelectionQuote();
}());
