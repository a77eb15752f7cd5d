// What both pages (index.html, course.html) share: the Python worker, the status line, the code view.
//
// PythonWorker runs Pyodide in a Web Worker (web/worker.js), so the page's main thread only draws:
// a lesson, a training run or a CNN's saliency computes there while the page stays responsive.
// stop() ends whatever runs at once (the worker is terminated) and starts a fresh one.

"use strict";

const HOME = "/home/pyodide/twinnet";
const page = window.twinnet = window.twinnet || { ready: false, errors: [] };     // the tests read it
const $ = (id) => document.getElementById(id);

function status(text, kind) {
  const box = $("status");
  box.textContent = text;
  box.className = "status " + (kind || "");
}

window.addEventListener("error", (e) => {
  page.errors.push(String(e.message));
  status("Error: " + e.message, "error");
});
window.addEventListener("unhandledrejection", (e) => {
  if (e.reason && e.reason.stopped) return;            // a call ended by Stop: expected
  page.errors.push(String(e.reason));
  status("Error: " + (e.reason && e.reason.message ? e.reason.message : e.reason), "error");
});

class Stopped extends Error {
  constructor() {
    super("stopped");
    this.stopped = true;
  }
}

class PythonWorker {
  // files: text files to write into Pyodide (paths on the site = paths under HOME); binaries: the same, as bytes
  constructor(indexURL, files, binaries) {
    this.indexURL = new URL(indexURL, location.href).href;
    this.files = files;
    this.binaries = binaries || [];
    this.pending = new Map();
    this.nextId = 1;
    this.starts = 0;
  }

  start() {
    this.worker = new Worker("worker.js", { type: "module" });
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(new Error(`the Python worker failed: ${event.message}`));
    };
    this.starts += 1;
    const started = performance.now();
    this.ready = this.send({ op: "start", indexURL: this.indexURL, files: this.files, binaries: this.binaries,
      home: HOME }).then((versions) => {
      this.startMs = performance.now() - started;
      return versions;
    });
    return this.ready;
  }

  send(message, listeners) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, listeners: listeners || {} });
      this.worker.postMessage(Object.assign({ id }, message));
    });
  }

  receive(message) {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    if (message.kind) {                                // a line printed, a picture written, while a call runs
      const listener = waiting.listeners[message.kind] || (message.kind === "stderr" && waiting.listeners.stdout);
      if (listener) listener(message);
      else if (message.kind === "stderr") console.warn(message.text);
      return;
    }
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(message.error));
  }

  failAll(error) {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  // module.name(*args, **kwargs) in the worker; listeners {stdout(msg), picture(msg)} for what it prints and draws
  call(module, name, args, kwargs, listeners) {
    return this.send({ op: "call", module, name, args, kwargs, pictures: !!(listeners && listeners.picture) },
      listeners);
  }

  async make(module, name, args, kwargs) {
    const handle = await this.send({ op: "new", module, name, args, kwargs });
    return new PythonObject(this, handle);
  }

  // End whatever runs now: terminate the worker (its calls reject with Stopped), start a fresh one.
  stop() {
    this.worker.terminate();
    this.failAll(new Stopped());
    return this.start();
  }
}

class PythonObject {
  constructor(python, handle) {
    this.python = python;
    this.handle = handle;
  }

  call(name, args, kwargs) {
    return this.python.send({ op: "call", handle: this.handle, name, args, kwargs });
  }

  free() {
    return this.python.send({ op: "free", handle: this.handle });
  }
}

// config.json, then where Pyodide comes from (loader.js); null (with the reason shown) if it cannot load
async function whereIsPyodide() {
  const config = await (await fetch("config.json", { cache: "no-store" })).json();
  const local = config.pyodide === "cdn" && !location.search.includes("pyodide=local")
    ? false : await localPyodideFound(config);
  const choice = choosePyodide(config, location.search, local);
  page.pyodideSource = choice.where;
  if (choice.error) {
    status(choice.error, "error install");
    page.missingPyodide = true;
  }
  return { config, choice };
}

// ------------------------------------------------------------------ the code beside each view

function escapeHtml(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function highlight(code) {
  const escape = escapeHtml;
  const pattern = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|f?"(?:[^"\\\n]|\\.)*"|f?'(?:[^'\\\n]|\\.)*')|\b(def|return|for|in|if|else|elif|not|and|or|is|None|True|False|while|raise|try|except|finally|with|as|lambda|yield|import|from|class|continue|break|pass)\b/g;
  let out = "", last = 0, m;
  while ((m = pattern.exec(code)) !== null) {
    out += escape(code.slice(last, m.index));
    const kind = m[1] ? "comment" : m[2] ? "string" : "keyword";
    out += `<span class="${kind}">${escape(m[0])}</span>`;
    last = pattern.lastIndex;
  }
  return out + escape(code.slice(last));
}

// The little Markdown of lessons/SERIES.md: `code`, **bold**, *emphasis*
function inlineMarkdown(text) {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>");
}
