// The page: load Pyodide and the checkout's Python, then wire the two views to web/browser.py.
// Every number shown is computed by the pure twin in Python; this file only draws.

"use strict";

const REDRAW_EVERY = 5;          // epochs between redraws of the boundary and the loss curve
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c"];
Object.assign(page, { digit: { count: 0 }, play: null });

function fmt(v) {
  if (v === null || v === undefined) return "-";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(4).replace(/\.?0+$/, "");
}

// ------------------------------------------------------------------ loading

async function main() {
  const opened = performance.now();
  const { config, choice } = await whereIsPyodide();
  if (!config.model) {
    $("model-name").innerHTML = "No model yet. Make one with <code>" + config.make_model + "</code>";
    page.noModel = true;
  }
  if (choice.error) return;
  status(`Loading Pyodide from ${choice.where === "local" ? "this checkout (node_modules/pyodide)" : choice.indexURL}` +
    " in a worker, and writing pure/ and data/ into it…");
  const python = new PythonWorker(choice.indexURL, config.files.concat(["browser.py"]),
    config.model ? [config.model] : []);
  page.python = python;
  const versions = await python.start();
  $("versions").textContent = `Python ${versions.python} (${versions.implementation}, ${versions.platform}) ` +
    `in this page's worker; ${versions.files} files from the checkout; Pyodide from ${choice.where}.`;
  await Promise.all([setUpDigits(config, python), setUpPlayground(python)]);
  page.readyMs = performance.now() - opened;
  page.ready = true;
  status(`Ready in ${(page.readyMs / 1000).toFixed(1)} s: Python ${versions.python} running in your browser ` +
    "(in a worker: the page stays responsive while it computes).", "ok");
}

// ------------------------------------------------------------------ the code beside each view

function showCode(box, sections, heading) {
  box.innerHTML = `<h3>${heading}</h3><p class="muted">Read from the package files in Pyodide with ` +
    "<code>inspect.getsource</code>; the formula is the docstring of the class.</p>";
  let lastFormula = null, opened = 0;
  sections.forEach((s) => {
    const details = document.createElement("details");
    if (opened < 3 && !s.file.startsWith("data/")) {      // the first three of the network's own code
      details.open = true;
      opened += 1;
    }
    const formula = s.formula && s.formula !== lastFormula
      ? `<pre class="formula">${escapeHtml(s.formula)}</pre>` : "";
    lastFormula = s.formula;
    details.innerHTML = `<summary><code>${s.title}</code> <span class="muted">${s.file}:${s.line}</span></summary>` +
      `${formula}<pre class="source">${highlight(s.source)}</pre>`;
    box.appendChild(details);
  });
}

// ------------------------------------------------------------------ draw a digit

async function setUpDigits(config, python) {
  const pad = $("pad");
  const ctx = pad.getContext("2d");
  const clear = () => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, pad.width, pad.height);
  };
  clear();
  let digits = null;
  if (config.model) {
    digits = await python.make("browser", "Digits", [`${HOME}/model.json`]);
    page.digits = digits;
    const [description, parameters] = await Promise.all([digits.call("description"), digits.call("parameters")]);
    $("model-name").textContent = `model: ${config.model_name} (${description}, ` +
      `${parameters.toLocaleString()} parameters)`;
    showCode($("digit-code"), await digits.call("code"), "The code that runs");
  } else {
    $("verdict").textContent = "No model to ask: see below the pad for the one command that makes one.";
  }

  let drawing = false, timer = null, last = null;
  const at = (e) => {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
  };
  const dab = (from, to) => {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 20;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
  };
  pad.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    dab(last, last);
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    e.preventDefault();
    const p = at(e);
    dab(last, p);
    last = p;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    clearTimeout(timer);
    if (digits) timer = setTimeout(predict, 150);      // when the pen has rested a moment
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  $("clear").addEventListener("click", () => {
    clear();
    $("bars").innerHTML = "";
    $("verdict").textContent = "";
    for (const id of ["prepared", "saliency"]) $(id).getContext("2d").clearRect(0, 0, 140, 140);
  });

  async function predict() {
    const rgba = ctx.getImageData(0, 0, pad.width, pad.height).data;
    const grey = new Uint8Array(pad.width * pad.height);
    for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i];         // white ink: red = green = blue
    const started = performance.now();
    let prepared;
    try {
      prepared = await digits.call("prepare_bytes", [grey, pad.width, pad.height]);
    } catch (e) {
      $("verdict").textContent = String(e.message).split("\n").filter(Boolean).pop();
      return;
    }
    const preparedAt = performance.now();
    const result = await digits.call("predict", [prepared, false]);
    drawImage($("prepared"), prepared, (v) => [255 * v, 255 * v, 255 * v]);
    drawBars(result.probabilities, result.label);
    $("verdict").textContent = `It is a ${result.label} (${(100 * result.probabilities[result.label]).toFixed(1)}%).`;
    $("digit-timing").textContent = `prepared in ${(preparedAt - started).toFixed(0)} ms, predicted in ` +
      `${result.predict_ms.toFixed(0)} ms`;
    // The saliency (one backward pass) after the answer is on screen: a CNN's takes seconds (in the worker).
    requestAnimationFrame(() => setTimeout(async () => {
      const s = await digits.call("saliency", [prepared, result.label]);
      const top = Math.max(...s.saliency.map(Math.abs)) || 1;
      drawImage($("saliency"), s.saliency, (v) => {
        const a = Math.min(1, Math.abs(v) / top);
        return v >= 0 ? [255, 255 * (1 - a), 255 * (1 - a)] : [255 * (1 - a), 255 * (1 - a), 255];
      });
      $("digit-timing").textContent += `, saliency in ${s.saliency_ms.toFixed(0)} ms`;
      page.digit = {
        count: page.digit.count + 1, label: result.label, probabilities: result.probabilities,
        prepared, grey, width: pad.width, height: pad.height,
        prepareMs: preparedAt - started, predictMs: result.predict_ms, saliencyMs: s.saliency_ms,
      };
    }, 0));
  }
  page.greyBase64 = () => {
    const g = page.digit.grey;
    let s = "";
    for (let i = 0; i < g.length; i += 8192) s += String.fromCharCode.apply(null, g.subarray(i, i + 8192));
    return btoa(s);
  };
}

function drawImage(canvas, values, color) {
  const small = document.createElement("canvas");
  small.width = 28;
  small.height = 28;
  const sctx = small.getContext("2d");
  const image = sctx.createImageData(28, 28);
  values.forEach((v, i) => {
    const [r, g, b] = color(v);
    image.data.set([r, g, b, 255], 4 * i);
  });
  sctx.putImageData(image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function drawBars(probabilities, winner) {
  $("bars").innerHTML = probabilities.map((p, k) =>
    `<div class="bar${k === winner ? " win" : ""}"><span class="digit">${k}</span>` +
    `<span class="fill" style="width:${(100 * p).toFixed(1)}%"></span>` +
    `<span class="value">${(100 * p).toFixed(1)}%</span></div>`).join("");
}

// ------------------------------------------------------------------ watch a network learn

async function setUpPlayground(python) {
  let pg = null, running = false, points = null;
  const stats = { wallStart: 0, wallEpochs: 0 };

  async function build() {
    const hidden = $("hidden").value.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
    const lr = Number($("lr").value), batch = Number($("batch").value);
    if (hidden.some((h) => !Number.isInteger(h) || h < 1) || !(lr > 0) || !Number.isInteger(batch) || batch < 1) {
      $("train-stats").textContent = "Hidden sizes must be positive integers (e.g. 16,16), the learning rate " +
        "positive, the batch size a positive integer.";
      return false;
    }
    generation += 1;                     // a loop of the network before stops
    if (pg) pg.free();
    pg = await python.make("browser", "Playground", [], {
      dataset: $("dataset").value, hidden: hidden, activation: $("activation").value,
      optimizer: $("optimizer").value, lr: lr, batch_size: batch,
    });
    points = await pg.call("points");
    showCode($("play-code"), await pg.call("code"), "The code that runs");
    $("trace").innerHTML = "";
    page.play = { epoch: 0, description: await pg.call("describe") };
    await redraw(await pg.call("state"));
    return true;
  }

  async function redraw(state) {
    drawBoundary($("boundary"), await pg.call("boundary", [40]), points);
    drawLoss($("loss"), state.losses);
    const wall = stats.wallEpochs && (performance.now() - stats.wallStart) / 1000;
    $("train-stats").textContent = `${page.play.description}, epoch ${state.epoch}` +
      (state.batches ? ` (+${state.batches} batches stepped)` : "") +
      ` · loss ${fmt(state.loss)} · accuracy ${(100 * state.accuracy).toFixed(1)}%` +
      (state.epochs_per_second ? ` · ${state.epochs_per_second.toFixed(1)} epochs/s training` : "") +
      (wall ? `, ${(stats.wallEpochs / wall).toFixed(1)} with drawing` : "");
    Object.assign(page.play, {
      epoch: state.epoch, loss: state.loss, accuracy: state.accuracy,
      epochsPerSecond: state.epochs_per_second, trainSeconds: state.train_seconds,
    });
  }

  // One epoch per call to the worker (the page's main thread never waits for Python, so the buttons
  // answer at once); redraw the boundary and the loss curve every REDRAW_EVERY epochs.
  let sinceDraw = 0, generation = 0;     // a loop of an earlier Start (before a Pause or Reset) stops itself
  async function loop(mine) {
    while (running && mine === generation) {
      await pg.call("train", [1]);
      if (mine !== generation) return;
      sinceDraw += 1;
      stats.wallEpochs += 1;
      if (sinceDraw >= REDRAW_EVERY) {
        sinceDraw = 0;
        await redraw(await pg.call("state"));
      }
    }
  }

  const buttons = (isRunning) => {
    $("start").disabled = isRunning;
    $("pause").disabled = !isRunning;
    $("step").disabled = isRunning;
  };
  $("start").addEventListener("click", async () => {
    if (!pg && !(await build())) return;
    running = true;
    stats.wallStart = performance.now();
    stats.wallEpochs = 0;
    buttons(true);
    generation += 1;
    loop(generation);
  });
  $("pause").addEventListener("click", async () => {
    running = false;
    buttons(false);
    await redraw(await pg.call("state"));
  });
  $("step").addEventListener("click", async () => {
    if (!pg && !(await build())) return;
    const trace = await pg.call("step");
    showTrace(trace);
    await redraw(trace.state);
  });
  const reset = () => {
    running = false;
    buttons(false);
    build();
  };
  $("reset").addEventListener("click", reset);
  $("settings").addEventListener("change", reset);
  $("settings").addEventListener("submit", (e) => e.preventDefault());
  await build();
}

function vector(values) {
  if (values === null || values === undefined) return "<span class='muted'>(not needed: the input's gradient)</span>";
  const shown = values.slice(0, 8).map(fmt).join(", ");
  return `[${shown}${values.length > 8 ? `, … (${values.length})` : ""}]`;
}

function showTrace(t) {
  const rows = (entries) => entries.map((e) =>
    `<tr><td>${e.what}</td><td class="num">${vector(e.values)}` +
    (e.grads ? Object.entries(e.grads).map(([k, g]) =>
      `<br><span class="muted">dL/d${k} ${g.shape.join("×")}: ‖·‖ = ${fmt(g.norm)}, first ${vector(g.first)}</span>`).join("") : "") +
    "</td></tr>").join("");
  $("trace").innerHTML =
    `<p>Example x = ${vector(t.example.x)}, label ${t.example.label}; batch of ${t.batch_size}; ` +
    `loss of the batch ${fmt(t.loss)}; softmax of this example ${vector(t.probabilities)}</p>` +
    `<h4>forward</h4><table>${rows(t.forward)}</table>` +
    `<h4>backward (dL/d input of each layer, example 1 of the batch)</h4><table>${rows(t.backward)}</table>` +
    `<h4>optimizer step</h4><table>${t.updates.map((u) =>
      `<tr><td>${u.what}</td><td class="num">‖·‖ ${fmt(u.before.norm)} → ${fmt(u.after.norm)}; first ` +
      `${vector(u.before.first)} → ${vector(u.after.first)}</td></tr>`).join("")}</table>`;
  page.trace = t;
}

function drawBoundary(canvas, boundary, points) {
  const ctx = canvas.getContext("2d");
  const n = boundary.size, w = canvas.width, h = canvas.height;
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  boundary.labels.forEach((k, i) => {
    const [r, g, b] = rgb(COLORS[k]);
    const a = 0.15 + 0.45 * (boundary.confidence[i] - 0.5) * 2;
    ctx.fillStyle = `rgb(${255 - a * (255 - r)},${255 - a * (255 - g)},${255 - a * (255 - b)})`;
    ctx.fillRect(Math.floor((i % n) * w / n), Math.floor(Math.floor(i / n) * h / n), Math.ceil(w / n), Math.ceil(h / n));
  });
  const [x0, x1, y0, y1] = points.bounds;
  points.X.forEach(([x, y], i) => {
    ctx.beginPath();
    ctx.arc((x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = COLORS[points.y[i]];
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1;
    ctx.stroke();
  });
}

function drawLoss(canvas, losses) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 28;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = "#555";
  ctx.font = "11px sans-serif";
  ctx.fillText("loss per epoch", pad, 12);
  if (!losses.length) return;
  const top = Math.max(...losses);
  ctx.fillText(fmt(top), 2, pad - 4);
  ctx.fillText("0", 2, h - 6);
  ctx.fillText(`epoch ${losses.length}`, w - 70, h - 4);
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(pad, pad - 10, w - pad - 4, h - pad - 4);
  ctx.beginPath();
  losses.forEach((v, i) => {
    const x = pad + (w - pad - 4) * (losses.length === 1 ? 0 : i / (losses.length - 1));
    const y = pad - 10 + (h - pad - 4) * (1 - v / top);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.strokeStyle = "#d62728";
  ctx.lineWidth = 2;
  ctx.stroke();
}

main().catch((e) => {
  page.errors.push(String(e));
  status("Could not start: " + e.message, "error");
  console.error(e);
});
