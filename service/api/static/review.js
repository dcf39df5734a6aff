// The review page: work through the queue, most uncertain comment first; accept, reject or
// relabel each one and mark spans by selecting text. Saves through POST /v1/labels.
//
// Comment text only ever enters the page as text nodes (createTextNode / textContent), never
// as markup. Offsets: the server counts Unicode code points, the DOM counts UTF-16 units, so
// every offset is converted at the boundary (cpToU16 / u16ToCp).
"use strict";
(() => {
  const LABELS = ["toxic", "hate", "slur", "insult", "profanity", "threat"];
  const SPAN_LABELS = ["slur", "hate", "insult", "profanity", "threat", "toxic"];
  const KEY_STORE = "threadguard.reviewKey";
  const UPLOAD_CHUNK = 200;
  const $ = (id) => document.getElementById(id);

  const state = { queue: [], index: 0, item: null, model: null, labels: {}, spans: [], ready: false, busy: false };

  // ---------------------------------------------------------------- offsets
  function cpToU16(text, cp) {
    let i = 0;
    for (let n = 0; n < cp && i < text.length; n++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
    return i;
  }

  function u16ToCp(text, u16) {
    let n = 0;
    for (let i = 0; i < u16; n++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
    return n;
  }

  // UTF-16 length of the comment's text before `target` (a node inside `box`), found by walking
  // the text nodes in document order: the highlight marks split the text into many nodes.
  function textBefore(box, target) {
    let total = 0;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n === target || target.contains(n) || target.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING) break;
      total += n.data.length;
    }
    return total;
  }

  // A selection boundary (node, offset) as a UTF-16 offset into the plain text of `box`.
  function boundaryOffset(box, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) return textBefore(box, node) + offset;
    if (offset < node.childNodes.length) return textBefore(box, node.childNodes[offset]);
    return textBefore(box, node) + node.textContent.length; // after the node's last child
  }

  // The selection inside the comment as code point offsets, trimmed of white space; null if none.
  function selectionOffsets() {
    const sel = window.getSelection();
    if (!state.item || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const box = $("text");
    const range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return null;
    const text = state.item.text;
    let start = u16ToCp(text, boundaryOffset(box, range.startContainer, range.startOffset));
    let end = u16ToCp(text, boundaryOffset(box, range.endContainer, range.endOffset));
    const chars = Array.from(text);
    while (start < end && /\s/u.test(chars[start])) start++;
    while (end > start && /\s/u.test(chars[end - 1])) end--;
    return start < end ? { start, end } : null;
  }

  // ---------------------------------------------------------------- server
  function apiKey() {
    return sessionStorage.getItem(KEY_STORE) || "";
  }

  async function api(path, options = {}) {
    const headers = { Accept: "application/json" };
    const key = apiKey();
    if (key) headers.Authorization = "Bearer " + key;
    let body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const res = await fetch(path, { method: options.method || "GET", headers, body });
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (!res.ok) {
      const err = (data && data.error) || { message: res.statusText };
      throw new Error(`${res.status}: ${err.message}${err.field ? ` (${err.field})` : ""}`);
    }
    return data;
  }

  function setStatus(message, isError = false) {
    const el = $("status");
    el.textContent = message;
    el.className = isError ? "error" : "";
  }

  // ---------------------------------------------------------------- rendering
  function renderText() {
    const box = $("text");
    box.replaceChildren();
    const text = state.item.text;
    const ranges = state.spans.map((span) => ({ start: cpToU16(text, span.start), end: cpToU16(text, span.end), span }));
    const cuts = new Set([0, text.length]);
    for (const r of ranges) {
      cuts.add(r.start);
      cuts.add(r.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      const piece = document.createTextNode(text.slice(a, b));
      const covering = ranges.filter((r) => r.start <= a && r.end >= b);
      if (!covering.length) {
        box.appendChild(piece);
        continue;
      }
      const mark = document.createElement("mark");
      mark.dataset.labels = [...new Set(covering.map((r) => r.span.label))].join(" ");
      mark.title = covering
        .map((r) => r.span.label + (r.span.from === "model" ? ` (model ${r.span.score.toFixed(2)})` : ""))
        .join(", ");
      mark.appendChild(piece);
      box.appendChild(mark);
    }
  }

  function renderLabels() {
    for (const name of LABELS) $("label-" + name).checked = state.labels[name] === 1;
  }

  function renderSpans() {
    const list = $("spans");
    list.replaceChildren();
    const chars = Array.from(state.item.text);
    state.spans.sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label));
    for (const span of state.spans) {
      const li = document.createElement("li");
      const select = document.createElement("select");
      select.setAttribute("aria-label", "span label");
      for (const name of LABELS) select.appendChild(new Option(name, name, false, name === span.label));
      select.addEventListener("change", () => {
        span.label = select.value;
        span.from = "you";
        setLabel(span.label, true);
        renderAll();
      });
      const quote = document.createElement("span");
      quote.className = "quote";
      quote.textContent = chars.slice(span.start, span.end).join("");
      const from = document.createElement("span");
      from.className = "from";
      from.textContent = ` ${span.start}–${span.end}` + (span.from === "model" ? `, model ${span.score.toFixed(2)} ` : ", yours ");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "remove";
      remove.addEventListener("click", () => {
        state.spans = state.spans.filter((s) => s !== span);
        renderAll();
      });
      li.append(select, " ", quote, from, remove);
      list.appendChild(li);
    }
  }

  function renderAll() {
    renderText();
    renderLabels();
    renderSpans();
  }

  // ---------------------------------------------------------------- editing
  function setLabel(name, on) {
    state.labels[name] = on ? 1 : 0;
    if (on && name !== "toxic") state.labels.toxic = 1; // toxic is the umbrella label
    renderLabels();
  }

  function markSelection(label) {
    const sel = selectionOffsets();
    if (!sel) {
      setStatus("Select words inside the comment first.", true);
      return;
    }
    let { start, end } = sel;
    // A span of the same label that overlaps the selection merges into it.
    state.spans = state.spans.filter((s) => {
      if (s.label === label && s.start < end && start < s.end) {
        start = Math.min(start, s.start);
        end = Math.max(end, s.end);
        return false;
      }
      return true;
    });
    state.spans.push({ start, end, label, from: "you" });
    window.getSelection().removeAllRanges();
    setLabel(label, true);
    renderAll();
    setStatus(`Marked ${end - start} character(s) as ${label}.`);
  }

  function removeInSelection() {
    const sel = selectionOffsets();
    if (!sel) {
      setStatus("Select words inside the comment first.", true);
      return;
    }
    const before = state.spans.length;
    state.spans = state.spans.filter((s) => !(s.start < sel.end && sel.start < s.end));
    window.getSelection().removeAllRanges();
    renderAll();
    setStatus(`Removed ${before - state.spans.length} span(s).`);
  }

  // ---------------------------------------------------------------- saving
  async function save(action) {
    if (!state.ready || state.busy) return;
    const item = state.item;
    let labels;
    let spans;
    if (action === "accept") {
      labels = Object.fromEntries(LABELS.map((n) => [n, state.model.flags[n] ? 1 : 0]));
      spans = state.model.spans;
    } else if (action === "reject") {
      labels = Object.fromEntries(LABELS.map((n) => [n, 0]));
      spans = [];
    } else {
      labels = Object.fromEntries(LABELS.map((n) => [n, state.labels[n] === 1 ? 1 : 0]));
      spans = state.spans;
    }
    const body = {
      comment_id: item.comment_id,
      text: item.text,
      thread_id: item.thread_id,
      author: item.author,
      source: "review",
      labels,
      spans: spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
      span_labels: SPAN_LABELS, // the whole comment was checked for every kind of span
      meta: { review: action, model: state.model.model },
    };
    state.busy = true;
    try {
      await api("/v1/labels", { method: "POST", json: body });
      setStatus(`Saved ${item.comment_id} (${action}).`);
      document.body.dataset.saved = item.comment_id;
      state.queue.splice(state.index, 1);
      if (state.queue.length) await show();
      else await loadQueue(); // the next most uncertain page, if the server has more
    } catch (err) {
      setStatus(`Not saved: ${err.message}`, true);
    } finally {
      state.busy = false;
    }
  }

  // ---------------------------------------------------------------- the queue
  async function show() {
    state.ready = false;
    document.body.dataset.state = "loading";
    if (state.index >= state.queue.length) state.index = 0;
    state.item = state.queue[state.index] || null;
    if (!state.item) {
      $("review").hidden = true;
      $("empty").hidden = false;
      document.body.dataset.state = "empty";
      return;
    }
    const item = state.item;
    const res = await api("/v1/score", { method: "POST", json: { comments: [{ id: "review", text: item.text }] } });
    if (state.item !== item) return; // moved on meanwhile
    const result = res.results[0];
    state.model = result;
    state.labels = Object.fromEntries(LABELS.map((n) => [n, result.flags[n] ? 1 : 0]));
    state.spans = result.spans.map((s) => ({ start: s.start, end: s.end, label: s.label, score: s.score, from: "model" }));
    const parts = [`comment ${item.comment_id}`];
    if (item.thread_id) parts.push(`thread ${item.thread_id}`);
    if (item.author) parts.push(`by ${item.author}`);
    parts.push(`margin ${item.margin.toFixed(3)}`, `model ${result.model}`, `${state.index + 1} of ${state.queue.length} loaded`);
    $("meta").textContent = parts.join(" · ");
    renderAll();
    $("review").hidden = false;
    $("empty").hidden = true;
    state.ready = true;
    document.body.dataset.state = "ready";
    document.body.dataset.comment = item.comment_id;
  }

  async function loadQueue() {
    const data = await api("/v1/review/queue?limit=50");
    state.queue = data.comments;
    state.index = 0;
    $("pending").textContent = `${data.pending} comment(s) waiting`;
    await show();
  }

  async function upload(file) {
    const lines = (await file.text()).split("\n");
    const rows = [];
    let unreadable = 0;
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let obj;
      try {
        obj = JSON.parse(line);
      } catch (_) {
        unreadable++;
        return;
      }
      if (!obj || typeof obj.text !== "string" || !obj.text.trim()) {
        unreadable++;
        return;
      }
      rows.push({
        comment_id: String(obj.comment_id ?? obj.id ?? `${file.name}:${i + 1}`),
        text: obj.text,
        thread_id: obj.thread_id ?? null,
        author: typeof obj.author === "string" ? obj.author.slice(0, 200) : null,
        scores: obj.scores && typeof obj.scores === "object" ? obj.scores : null,
      });
    });
    let queued = 0;
    let known = 0;
    for (let i = 0; i < rows.length; i += UPLOAD_CHUNK) {
      setStatus(`Queueing ${Math.min(i + UPLOAD_CHUNK, rows.length)} of ${rows.length}…`);
      const res = await api("/v1/review/queue", { method: "POST", json: { comments: rows.slice(i, i + UPLOAD_CHUNK) } });
      queued += res.queued;
      known += res.already_queued;
    }
    setStatus(`Queued ${queued} new comment(s); ${known} were already queued; ${unreadable} line(s) unreadable.`);
    await loadQueue();
  }

  // ---------------------------------------------------------------- wiring
  function run(task) {
    task().catch((err) => setStatus(err.message, true));
  }

  function build() {
    const fieldset = $("labels");
    LABELS.forEach((name, i) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = "label-" + name;
      box.addEventListener("change", () => setLabel(name, box.checked));
      label.append(box, ` ${i + 1} ${name}`);
      fieldset.appendChild(label);
    });
    const tools = $("span-tools");
    LABELS.forEach((name, i) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${i + 1} ${name}`;
      button.title = `Mark the selected words as ${name}`;
      button.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the selection
      button.addEventListener("click", () => markSelection(name));
      tools.appendChild(button);
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "x remove spans in selection";
    remove.addEventListener("mousedown", (ev) => ev.preventDefault());
    remove.addEventListener("click", removeInSelection);
    tools.appendChild(remove);

    $("key-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY_STORE, $("key").value.trim());
      setStatus("Key set for this tab.");
      run(loadQueue);
    });
    $("refresh").addEventListener("click", () => run(loadQueue));
    $("upload").addEventListener("change", (ev) => {
      const file = ev.target.files[0];
      ev.target.value = "";
      if (file) run(() => upload(file));
    });
    $("accept").addEventListener("click", () => run(() => save("accept")));
    $("reject").addEventListener("click", () => run(() => save("reject")));
    $("save").addEventListener("click", () => run(() => save("relabel")));
    $("skip").addEventListener("click", () => {
      state.index++;
      run(show);
    });

    document.addEventListener("keydown", (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || !state.ready) return;
      const t = ev.target;
      if (t && ((t.tagName === "INPUT" && t.type !== "checkbox") || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      if (/^[1-6]$/.test(ev.key)) {
        const name = LABELS[Number(ev.key) - 1];
        if (selectionOffsets()) markSelection(name);
        else setLabel(name, state.labels[name] !== 1);
      } else if (ev.key === "a") run(() => save("accept"));
      else if (ev.key === "r") run(() => save("reject"));
      else if (ev.key === "s") run(() => save("relabel"));
      else if (ev.key === "x") removeInSelection();
      else if (ev.key === "n") {
        state.index++;
        run(show);
      } else return;
      ev.preventDefault();
    });

    if (apiKey()) {
      $("key").value = apiKey();
      run(loadQueue);
    }
  }

  build();
})();
