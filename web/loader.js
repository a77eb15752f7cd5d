// Where Pyodide comes from (the worker, web/worker.js, loads it and writes the Python files into it).
//
// config.json (written by `python -m pure serve`, or by its --export) says
//   "pyodide": "local"  served by `python -m pure serve` from node_modules/pyodide (`npm ci` installs it)
//   "pyodide": "cdn"    a published copy of the site: Pyodide from its public CDN
// and ?pyodide=cdn / ?pyodide=local in the page's address overrides it.
// choosePyodide() is the whole decision; the tests call it in Node and in the browser.

"use strict";

function choosePyodide(config, search, localFound) {
  const wanted = new URLSearchParams(search || "").get("pyodide") || config.pyodide || "local";
  if (wanted === "cdn") {
    return { where: "cdn", indexURL: config.cdn };
  }
  if (wanted !== "local") {
    return { where: null, error: `unknown ?pyodide=${wanted}: use local or cdn` };
  }
  if (!localFound) {
    return {
      where: null,
      error: `Pyodide is not installed in this checkout. Run\n\n    ${config.install || "npm ci"}\n\n` +
        "in the checkout's folder (where package.json is), then reload this page. " +
        "(Or open this page with ?pyodide=cdn to load Pyodide from the internet.)",
    };
  }
  return { where: "local", indexURL: config.local };
}

// Browser only: is the local copy there? (a HEAD request, no download)
async function localPyodideFound(config) {
  try {
    const answer = await fetch(config.local + "pyodide.js", { method: "HEAD", cache: "no-store" });
    return answer.ok;
  } catch (e) {
    return false;
  }
}

if (typeof module !== "undefined") {
  module.exports = { choosePyodide };
}
