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

  // YAML highlighting: the text drawn again, coloured, under the (transparent) textarea.
  // Comments, keys and quoted strings, which is what a reader of a rule file looks for.
  const highlight = document.getElementById("highlight");
  const TOKEN = /(#.*$)|("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')|(^\s*(?:-\s+)?[\w.-]+(?=:(?:\s|$)))/g;

  function drawHighlight() {
    if (!highlight) return;
    const lines = source.value.split("\n");
    const out = document.createDocumentFragment();
    lines.forEach(function (line, n) {
      let last = 0;
      line.replace(TOKEN, function (match, comment, quoted, key, offset) {
        if (offset > last) out.append(line.slice(last, offset));
        const span = document.createElement("span");
        span.className = comment ? "c" : quoted ? "s" : "k";
        span.textContent = match;
        out.append(span);
        last = offset + match.length;
        return match;
      });
      out.append(line.slice(last) + (n < lines.length - 1 ? "\n" : ""));
    });
    highlight.replaceChildren(out);
    highlight.scrollTop = source.scrollTop;
    highlight.scrollLeft = source.scrollLeft;
  }

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

  function items(id, texts, none) {
    const list = document.getElementById(id);
    list.replaceChildren();
    for (const text of (texts.length ? texts : [none])) {
      const item = document.createElement("li");
      item.textContent = text;
      list.append(item);
    }
  }

  // The rule set's shape, as bidders will be told it, kept in step with the text.
  function drawStructure(shape) {
    const panel = document.getElementById("structure");
    if (!panel) return;
    if (!shape) { panel.hidden = true; return; }
    panel.hidden = false;
    const weights = document.getElementById("principles");
    weights.replaceChildren();
    for (const p of shape.principles) {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = p.name + ": " + p.weight;
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = p.weight + "%";
      item.append(name, bar);
      weights.append(item);
    }
    document.getElementById("award").textContent =
      shape.award ? "Quality and price: " + shape.award + "." : "";
    const gates = shape.criteria.filter(function (c) { return c.scoring === "pass/fail"; });
    items("gates", gates.map(function (c) { return c.id + " " + c.title; }), "None.");
    items("minimums", shape.minimums, "None stated.");
    items("scale", shape.scale, "No scale stated.");
    items("bands", shape.bands, "None.");
    const rows = document.querySelector("#criteria tbody");
    rows.replaceChildren();
    for (const c of shape.criteria) {
      const row = document.createElement("tr");
      for (const text of [c.id + " " + c.title, c.principle,
                          c.scoring + (c.levels.length ? " (" + c.levels.join(", ") + ")" : "")]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      rows.append(row);
    }
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
      if (mine === asked) { show(body); drawStructure(body.structure); }
    } catch (error) {
      if (mine === asked) status.textContent = "The check could not reach the workbench.";
    }
  }

  source.addEventListener("input", function () {
    drawGutter();
    drawHighlight();
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  source.addEventListener("scroll", function () {
    gutter.scrollTop = source.scrollTop;
    if (highlight) { highlight.scrollTop = source.scrollTop; highlight.scrollLeft = source.scrollLeft; }
  });
  drawGutter();
  drawHighlight();
  check();
})();
