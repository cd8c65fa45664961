// The editor's light client layer: as the policy officer types, the server checks the text
// (ValidateRuleset, through the workbench) and each problem is shown at its line. Text from
// the server is only ever set as text, never as markup.
(function () {
  "use strict";
  const form = document.getElementById("editor-form");
  const source = document.getElementById("source");
  if (!form || !source) return;
  const gutter = document.getElementById("gutter");
  const status = document.getElementById("check-status");
  const list = document.getElementById("diagnostics");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let timer = null;
  let asked = 0;
  let problemLines = new Set();

  function drawGutter() {
    const lines = source.value.split("\n").length;
    const numbers = [];
    for (let n = 1; n <= lines; n++) {
      numbers.push(problemLines.has(n) ? "\u25B6" + n : String(n));
    }
    gutter.textContent = numbers.join("\n");
    gutter.scrollTop = source.scrollTop;
  }

  function goToLine(line, column) {
    const lines = source.value.split("\n");
    let offset = 0;
    for (let n = 1; n < line && n <= lines.length; n++) offset += lines[n - 1].length + 1;
    const at = offset + Math.max(0, (column || 1) - 1);
    source.focus();
    source.setSelectionRange(at, offset + (lines[line - 1] || "").length);
    const lineHeight = source.scrollHeight / Math.max(1, lines.length);
    source.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  function show(answer) {
    list.replaceChildren();
    problemLines = new Set();
    if (answer.error) {
      status.textContent = answer.error;
      drawGutter();
      return;
    }
    for (const d of answer.diagnostics) {
      if (d.severity !== "warning") problemLines.add(d.line);
      const item = document.createElement("li");
      item.className = d.severity === "warning" ? "warning" : "problem";
      item.dataset.line = String(d.line);
      const jump = document.createElement("button");
      jump.type = "button";
      jump.className = "line";
      jump.textContent = "Line " + d.line + ", column " + d.column;
      jump.addEventListener("click", function () { goToLine(d.line, d.column); });
      const said = document.createElement("span");
      said.textContent = (d.severity === "warning" ? " (warning) " : " ") + d.message;
      item.append(jump, said);
      list.append(item);
    }
    const errors = answer.diagnostics.filter(function (d) { return d.severity !== "warning"; });
    if (answer.valid) {
      status.textContent = "No problems: " + answer.ruleset.id + " " + answer.ruleset.version +
        " is ready to publish" + (answer.diagnostics.length ? " (see the warnings)." : ".");
    } else {
      status.textContent = errors.length + (errors.length === 1 ? " problem" : " problems") +
        " to fix before it can be published.";
    }
    drawGutter();
  }

  async function check() {
    const mine = ++asked;
    status.textContent = "Checking…";
    try {
      const answer = await fetch("/api/validate", {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
        body: JSON.stringify({text: source.value, file_name: form.dataset.file}),
        credentials: "same-origin",
      });
      const body = await answer.json();
      if (mine === asked) show(body);
    } catch (error) {
      if (mine === asked) status.textContent = "The check could not reach the workbench.";
    }
  }

  source.addEventListener("input", function () {
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  source.addEventListener("scroll", function () { gutter.scrollTop = source.scrollTop; });
  drawGutter();
  check();
})();
