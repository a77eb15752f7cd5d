// Where Pyodide comes from, and how the Python files get into it.
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

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

// Fetch pure/*.py, data/*.py, browser.py (and the model) and write them into Pyodide's
// file system under `home`, so `import pure` there imports the checkout's own files.
async function writeFiles(pyodide, config, home) {
  const names = config.files.concat(["browser.py"]);
  const texts = await Promise.all(names.map(async (name) => {
    const answer = await fetch(name, { cache: "no-cache" });
    if (!answer.ok) throw new Error(`could not fetch ${name}: HTTP ${answer.status}`);
    return answer.text();
  }));
  for (const folder of new Set(names.map((n) => n.split("/").slice(0, -1).join("/")))) {
    if (folder) pyodide.FS.mkdirTree(`${home}/${folder}`);
  }
  names.forEach((name, i) => pyodide.FS.writeFile(`${home}/${name}`, texts[i]));
  if (config.model) {
    const answer = await fetch(config.model, { cache: "no-cache" });
    if (!answer.ok) throw new Error(`could not fetch the model ${config.model}: HTTP ${answer.status}`);
    pyodide.FS.writeFile(`${home}/model.json`, new Uint8Array(await answer.arrayBuffer()));
  }
  return names.length;
}

if (typeof module !== "undefined") {
  module.exports = { choosePyodide };
}
