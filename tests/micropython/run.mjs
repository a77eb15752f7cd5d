// Run a Python file on MicroPython 1.27 (its WebAssembly port, npm package
// @micropython/micropython-webassembly-pyscript, installed by `npm ci`) in Node.js.
//
//   node tests/micropython/run.mjs [--heap BYTES] [--in HOST:GUEST]... [--out GUEST:HOST]... SCRIPT.py
//
// The port's file system is in memory (MEMFS), so the files are copied in: the checkout's
// pure/*.py to /lib/pure/, the stand-ins of tests/micropython/lib/*.py (small modules of
// CPython's standard library that MicroPython lacks) to /lib, each --in file to its GUEST path.
// SCRIPT.py runs as __main__ in /work; its output goes to this process's stdout. After it, each
// --out GUEST file is copied to HOST. A Python exception (traceback on stderr) or SystemExit(n)
// gives exit status 1 (or n); --heap is MicroPython's heap (default 256 MiB).
//
// This port collects garbage only between calls from JavaScript (WebAssembly hides the pointers
// a running call holds), so within one script the heap only grows. A script that wants to measure
// its heap defines STEPS, a list of functions: each runs in a call of its own, after the script,
// and gc.collect() at the start of a step frees what earlier steps left.

import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const checkout = path.resolve(here, "..", "..");
const args = process.argv.slice(2);
let heapsize = 256 * 1024 * 1024;
const inputs = [], outputs = [];
let script = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--heap") heapsize = parseInt(args[++i], 10);
  else if (args[i] === "--in") inputs.push(args[++i].split(/:(?=[^:]*$)/));
  else if (args[i] === "--out") outputs.push(args[++i].split(/:(?=.)/));
  else script = args[i];
}
if (!script) {
  console.error("usage: node run.mjs [--heap BYTES] [--in HOST:GUEST]... [--out GUEST:HOST]... SCRIPT.py");
  process.exit(2);
}

const mp = await loadMicroPython({
  heapsize,
  stdout: (data) => process.stdout.write(data),
  stderr: (data) => process.stderr.write(data),
  linebuffer: false,
});
const { FS } = mp;

function copyFolder(from, to) {
  FS.mkdirTree(to);
  for (const name of fs.readdirSync(from).sort()) {
    if (name.endsWith(".py")) FS.writeFile(`${to}/${name}`, fs.readFileSync(path.join(from, name), "utf8"));
  }
}
copyFolder(path.join(checkout, "pure"), "/lib/pure");
copyFolder(path.join(here, "lib"), "/lib");
for (const [host, guest] of inputs) {
  FS.mkdirTree(path.posix.dirname(guest));
  FS.writeFile(guest, fs.readFileSync(host));
}
FS.mkdirTree("/work");
FS.writeFile("/work/__main__.py", fs.readFileSync(script, "utf8"));

let status = 0;
try {
  mp.runPython(`
import os, sys
os.chdir("/work")
_status = 0
try:
    _ns = {"__name__": "__main__", "__file__": "/work/__main__.py"}
    exec(compile(open("/work/__main__.py").read(), ${JSON.stringify(path.resolve(script))}, "exec"), _ns)
except SystemExit as e:
    _status = e.args[0] if e.args and isinstance(e.args[0], int) else (1 if e.args and e.args[0] else 0)
    if e.args and not isinstance(e.args[0], int):
        print(e.args[0], file=sys.stderr)
except BaseException as e:
    sys.print_exception(e, sys.stderr)
    _status = 1
`);
  status = mp.globals.get("_status");
  mp.runPython("_steps = len(_ns.get('STEPS', ())) if _status == 0 else 0");
  const steps = mp.globals.get("_steps");
  for (let i = 0; i < steps && status === 0; i++) {
    mp.runPython(`
try:
    _ns["STEPS"][${i}]()
except BaseException as e:
    sys.print_exception(e, sys.stderr)
    _status = 1
`);
    status = mp.globals.get("_status");
  }
} catch (error) {
  console.error(String(error));
  status = 1;
}
for (const [guest, host] of outputs) {
  try {
    fs.writeFileSync(host, FS.readFile(guest));
  } catch (error) {
    console.error(`micropython: could not copy ${guest} out: ${error}`);
    status = status || 1;
  }
}
process.exit(status);
