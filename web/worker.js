// The page's Python, off the page's main thread: Pyodide in a Web Worker.
//
// The page (web/python.js, class PythonWorker) sends
//   {op: "start", indexURL, files, binaries, home}   load Pyodide, write the listed files into its file system
//   {id, op: "new", module, name, args, kwargs}      make an object of module.name: answered with a handle
//   {id, op: "call", module | handle, name, args, kwargs}   call a function or a method: answered with its result
//                                                    (an attribute that is not callable: its value)
//   {id, op: "free", handle}
// and gets back {id, ok: true, value} or {id, ok: false, error}, and while a call runs
//   {id, kind: "stdout" | "stderr", text}             each line Python prints
//   {id, kind: "picture", path, mime, bytes}          each picture a lesson writes (course.run's on_picture)
// Stopping a call is terminating this worker: the page starts a fresh one. It is a module worker
// (new Worker("worker.js", {type: "module"})): Pyodide 0.28+ does not load in classic workers.

"use strict";

let pyodide = null;
let current = null;                 // the id of the call running now (for its printed lines)
const objects = new Map();          // handle -> a Python object the page holds
let nextHandle = 1;
let ready = null;

function toPython(value) {
  if (value === null || value === undefined || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value)) return pyodide.toPy(value);
  return pyodide.toPy(value, { depth: -1 });
}

function toJs(value) {
  if (value && typeof value === "object" && typeof value.toJs === "function") {
    const converted = value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    value.destroy();
    return converted;
  }
  return value;
}

async function start(message) {
  const { loadPyodide } = await import(message.indexURL + "pyodide.mjs");   // a module worker: Pyodide's module
  pyodide = await loadPyodide({ indexURL: message.indexURL });
  const home = message.home;
  const fetchAll = (names, binary) => Promise.all(names.map(async (name) => {
    const answer = await fetch(name, { cache: "no-cache" });
    if (!answer.ok) throw new Error(`could not fetch ${name}: HTTP ${answer.status}`);
    return binary ? new Uint8Array(await answer.arrayBuffer()) : answer.text();
  }));
  const [texts, binaries] = await Promise.all([fetchAll(message.files, false), fetchAll(message.binaries, true)]);
  const all = message.files.map((name, i) => [name, texts[i]])
    .concat(message.binaries.map((name, i) => [name, binaries[i]]));
  for (const [name, content] of all) {
    const folder = name.split("/").slice(0, -1).join("/");
    if (folder) pyodide.FS.mkdirTree(`${home}/${folder}`);
    pyodide.FS.writeFile(`${home}/${name}`, content);
  }
  pyodide.FS.chdir(home);
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(home)})`);
  const say = (kind) => ({ batched: (text) => self.postMessage({ id: current, kind, text }) });
  pyodide.setStdout(say("stdout"));
  pyodide.setStderr(say("stderr"));
  const versions = toJs(pyodide.runPython(
    "import platform, sys; {'python': sys.version.split()[0], 'implementation': platform.python_implementation(), " +
    "'platform': sys.platform}"));
  return Object.assign(versions, { files: all.length });
}

// A lesson's picture, sent as the bytes of the finished file (read before its rename completes).
self.twinnetPicture = (written, path) => {
  const bytes = pyodide.FS.readFile(written);
  const mime = path.toLowerCase().endsWith(".svg") ? "image/svg+xml" : "image/png";
  self.postMessage({ id: current, kind: "picture", path, mime, bytes }, [bytes.buffer]);
};

function target(message) {
  if (message.handle) {
    const object = objects.get(message.handle);
    if (!object) throw new Error(`no Python object ${message.handle}`);
    return object;
  }
  return pyodide.pyimport(message.module);
}

function answer(message) {
  if (message.op === "free") {
    const object = objects.get(message.handle);
    if (object) object.destroy();
    objects.delete(message.handle);
    return null;
  }
  const owner = target(message);
  const args = (message.args || []).map(toPython);
  const kwargs = {};
  for (const [k, v] of Object.entries(message.kwargs || {})) kwargs[k] = toPython(v);
  if (message.pictures) kwargs.on_picture = self.twinnetPicture;
  const member = owner[message.name];
  const result = member && typeof member.callKwargs === "function" ? member.callKwargs(...args, kwargs) : member;
  args.forEach((a) => a && a.destroy && a.destroy());
  if (message.op === "new") {
    const handle = nextHandle++;
    objects.set(handle, result);
    return handle;
  }
  return toJs(result);
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.op === "start") {
    try {
      ready = start(message);
      self.postMessage({ id: message.id, ok: true, value: await ready });
    } catch (e) {
      self.postMessage({ id: message.id, ok: false, error: String(e && e.message || e) });
    }
    return;
  }
  await ready;
  current = message.id;
  try {
    const value = answer(message);
    self.postMessage({ id: message.id, ok: true, value });
  } catch (e) {
    self.postMessage({ id: message.id, ok: false, error: String(e && e.message || e) });
  } finally {
    current = null;
  }
};
