/* The study editor (templates/studio/editor.html): line numbers, the check as you type (POST
 * /studio/check, the same rules as `uxlab scenarios check`), problems beside their lines, the
 * task builder and "Download this text". Plain JavaScript; the page works without it. */
(function () {
  "use strict";
  var D = document, text = D.getElementById("scenario");
  if (!text) return;
  var gutter = D.getElementById("gutter"), status = D.getElementById("check-status");
  var list = D.getElementById("problems"), warnings = D.getElementById("warnings"), form = D.getElementById("studio-form");
  var token = form.querySelector("input[name=csrf_token]").value, timer = 0, asked = 0, bad = {};

  function drawGutter() {
    var count = text.value.split("\n").length, html = [];
    for (var i = 1; i <= count; i++) html.push("<span" + (bad[i] ? " class=bad" : "") + ">" + i + "</span>");
    gutter.innerHTML = html.join("");
    gutter.scrollTop = text.scrollTop;
  }

  // The status is a live region: rewritten only when it says something new, or a screen reader
  // repeats it after every pause in typing.
  function say(message) { if (status.textContent !== message) status.textContent = message; }

  function show(result) {
    bad = {};
    list.textContent = "";
    result.problems.forEach(function (p) {
      bad[p.line || 1] = 1;
      var item = D.createElement("li"), button = D.createElement("button");
      button.type = "button";
      button.className = "problem";
      button.setAttribute("data-line", p.line || 1);
      button.textContent = "line " + (p.line || "?") + ": " + p.field + ": " + p.problem;
      item.appendChild(button);
      list.appendChild(item);
    });
    warnings.textContent = "";
    (result.warnings || []).forEach(function (w) {
      var item = D.createElement("li");
      item.textContent = "warning: " + w;
      warnings.appendChild(item);
    });
    say(result.ok ? "No problems: " + result.summary + "." : result.problems.length + " problem(s):");
    drawGutter();
  }

  function check() {
    var mine = ++asked;
    fetch(text.getAttribute("data-check-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ scenario: text.value })
    }).then(function (r) { return r.json(); }).then(function (result) {
      if (mine !== asked) return;
      if (result.problems) show(result);
      else say("Not checked: " + ((result.error && result.error.message) || "the server refused the text") + ".");
    }, function () { if (mine === asked) say("Not checked: no answer from the server (are you still signed in?)."); });
  }

  function goToLine(line) {
    var lines = text.value.split("\n"), start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    text.focus();
    text.setSelectionRange(start, start + (lines[line - 1] || "").length);
    text.scrollTop = Math.max(0, (line - 3) * parseFloat(getComputedStyle(text).lineHeight));
  }

  text.addEventListener("input", function () { drawGutter(); clearTimeout(timer); timer = setTimeout(check, 300); });
  text.addEventListener("scroll", function () { gutter.scrollTop = text.scrollTop; });
  list.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-line]");
    if (button) goToLine(parseInt(button.getAttribute("data-line"), 10));
  });

  // "Download this text": exactly what is in the editor, comments and all.
  var download = D.getElementById("download-text");
  download.hidden = false;
  download.addEventListener("click", function () {
    var link = D.createElement("a");
    link.href = URL.createObjectURL(new Blob([text.value], { type: "application/yaml" }));
    link.download = download.getAttribute("data-filename");
    D.body.appendChild(link);
    link.click();
    link.remove();
  });

  // The task builder writes YAML: JSON strings are valid YAML double-quoted scalars.
  var builder = D.getElementById("task-builder");
  D.getElementById("builder").hidden = false;
  function q(value) { return JSON.stringify(value); }
  function addTask(fields) {
    var limit = parseInt(fields.limit, 10) > 0 ? parseInt(fields.limit, 10) : 300;  // the scenario default (the field is required)
    var block = ["  - id: " + q(fields.id), "    prompt: " + q(fields.prompt), "    start: " + q(fields.start || "/"),
      "    success: {url: " + q(fields.url) + "}", "    time_limit_s: " + limit, "    stage: " + q(fields.stage || "consideration")];
    var lines = text.value.replace(/\n+$/, "").split("\n");
    var at = lines.findIndex(function (l) { return /^tasks\s*:/.test(l); });
    if (at < 0) { lines.push("tasks:"); at = lines.length - 1; }
    else if (/^tasks\s*:\s*\[\s*\]\s*$/.test(lines[at])) lines[at] = "tasks:";
    var end = at + 1; // the tasks block ends at the next top-level key
    while (end < lines.length && !/^[^\s#-]/.test(lines[end])) end++;
    while (end > at + 1 && !lines[end - 1].trim()) end--;
    lines.splice.apply(lines, [end, 0].concat(block));
    if (fields.title) {
      var t = lines.findIndex(function (l) { return /^title\s*:/.test(l); });
      if (t >= 0) lines[t] = "title: " + q(fields.title);
    }
    text.value = lines.join("\n") + "\n";
  }
  builder.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = {};
    ["title", "id", "prompt", "start", "url", "limit", "stage"].forEach(function (k) { data[k] = builder.elements[k].value.trim(); });
    addTask(data);
    drawGutter();
    check();
  });
})();
