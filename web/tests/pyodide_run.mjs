// Run Python from the checkout under Pyodide in Node.js (used by web/tests/test_pyodide.py).
//
//   node web/tests/pyodide_run.mjs CHECKOUT SCRIPT.py [EXTRA_SYS_PATH...]
//
// The checkout is mounted (NODEFS) at /twinnet and becomes the working folder and sys.path[0],
// so `import pure` imports the checkout's own files. Each EXTRA_SYS_PATH folder of the host is
// mounted read-only-by-convention at /site<i> and appended to sys.path (the tests pass the
// pure-Python pytest that tox installed for CPython: Pyodide's npm package does not bundle pytest,
// and nothing may be downloaded at test time). SCRIPT.py runs as __main__; its exit status is
// this process's exit status.

import { loadPyodide } from "pyodide";
import fs from "node:fs";
import path from "node:path";

const [checkout, script, ...extra] = process.argv.slice(2);
if (!checkout || !script) {
  console.error("usage: node pyodide_run.mjs CHECKOUT SCRIPT.py [EXTRA_SYS_PATH...]");
  process.exit(2);
}
const started = Date.now();
const pyodide = await loadPyodide();
// Python's output as it is written (no line splitting: pytest's dots stay on one line).
pyodide.setStdout({ write: (bytes) => { fs.writeSync(1, bytes); return bytes.length; } });
pyodide.setStderr({ write: (bytes) => { fs.writeSync(2, bytes); return bytes.length; } });
const { FS } = pyodide;
FS.mkdirTree("/twinnet");
FS.mount(FS.filesystems.NODEFS, { root: path.resolve(checkout) }, "/twinnet");
extra.forEach((folder, i) => {
  FS.mkdirTree(`/site${i}`);
  FS.mount(FS.filesystems.NODEFS, { root: path.resolve(folder) }, `/site${i}`);
});
pyodide.globals.set("script_text", fs.readFileSync(script, "utf8"));
pyodide.globals.set("script_name", path.resolve(script));
pyodide.globals.set("extra_paths", extra.map((_, i) => `/site${i}`));
console.error(`pyodide: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
let status = 0;
try {
  status = await pyodide.runPythonAsync(`
import os, sys
sys.dont_write_bytecode = True          # never write __pycache__ into the mounted checkout
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
os.chdir("/twinnet")
sys.path.insert(0, "/twinnet")
sys.path.extend(extra_paths.to_py())
code = compile(script_text, script_name, "exec")
status = 0
try:
    exec(code, {"__name__": "__main__", "__file__": script_name})
except SystemExit as e:
    status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
sys.stdout.flush()
status
`);
} catch (e) {
  console.error(String(e));
  status = 1;
}
process.exit(status);
