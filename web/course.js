// The course page: every lesson of `python -m lessons` and every exercise, run by web/course.py in the
// Python worker. The list of lessons comes from the package (lessons/__main__.py), never from this file.

"use strict";

const FULL_LIMIT_S = 600;         // a full run is offered when the page should finish it within this
const PAGE_FACTOR = 1.7;          // the page against CPython (1.6 over every quick lesson: benchmarks/results/
                                 // course-2026-12-07.txt), until a quick run here measures it
const course = page.course = { lessons: [], exercises: [], runs: {}, grades: {}, stops: [], running: null };
let python = null, times = null;

async function main() {
  const opened = performance.now();
  const { config, choice } = await whereIsPyodide();
  if (choice.error) return;
  status(`Loading Pyodide from ${choice.where === "local" ? "this checkout (node_modules/pyodide)" : choice.indexURL}` +
    " in a worker, and writing the course's files into it…");
  python = new PythonWorker(choice.indexURL, config.files.concat(config.course.files, ["course.py"]),
    config.course.binaries);
  course.python = python;
  const [versions, measured] = await Promise.all([python.start(), fetchTimes()]);
  times = measured;
  course.lessons = await python.call("course", "lessons", []);
  course.exercises = await python.call("course", "exercises", []);
  listLessons();
  window.addEventListener("hashchange", show);
  $("run-quick").addEventListener("click", () => runLesson(course.shown, true));
  $("run-full").addEventListener("click", () => runLesson(course.shown, false));
  $("stop").addEventListener("click", stop);
  $("stop-grade").addEventListener("click", stop);
  $("grade").addEventListener("click", () => grade(course.shown));
  $("reset-exercise").addEventListener("click", () => {
    const exercise = course.exercises.find((e) => e.name === course.shown);
    $("editor").value = exercise.skeleton;
  });
  show();
  page.readyMs = performance.now() - opened;
  page.ready = true;
  status(`Ready in ${(page.readyMs / 1000).toFixed(1)} s: Python ${versions.python} in a worker, ` +
    `${versions.files} files of the checkout written into it, ${course.lessons.length} lessons, ` +
    `${course.exercises.length} exercise${course.exercises.length === 1 ? "" : "s"}.`, "ok");
}

async function fetchTimes() {
  try {
    const answer = await fetch("lesson-times.json", { cache: "no-cache" });
    return answer.ok ? await answer.json() : null;
  } catch (e) {
    return null;
  }
}

// ------------------------------------------------------------------ the list and one lesson

function listLessons() {
  const nav = $("lesson-list");
  let heading = null, list = null;
  const group = (title) => {
    const h = document.createElement("h3");
    h.textContent = title;
    list = document.createElement("ol");
    nav.append(h, list);
  };
  course.lessons.forEach((lesson) => {
    const title = lesson.series ? lesson.series.heading.replace(/ \(.*$/, "") : "Our own lessons";
    if (title !== heading) group(heading = title);
    const li = document.createElement("li");
    li.innerHTML = `<a href="#${lesson.name}" id="link-${lesson.name}"><code>${lesson.name}</code> ` +
      `<span class="muted">${escapeHtml(lesson.title)}</span></a>`;
    list.appendChild(li);
  });
  group("Exercises");
  course.exercises.forEach((exercise) => {
    const li = document.createElement("li");
    li.innerHTML = `<a href="#exercise-${exercise.name}" id="link-exercise-${exercise.name}">` +
      `<code>${exercise.name}</code> <span class="muted">${escapeHtml(exercise.title)}</span></a>`;
    list.appendChild(li);
  });
}

function show() {
  const wanted = decodeURIComponent(location.hash.slice(1)) || (course.lessons[0] && course.lessons[0].name);
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("here", a.getAttribute("href") === "#" + wanted));
  if (wanted.startsWith("exercise-")) {
    const exercise = course.exercises.find((e) => "exercise-" + e.name === wanted);
    if (exercise) return showExercise(exercise);
  }
  const lesson = course.lessons.find((l) => l.name === wanted) || course.lessons[0];
  showLesson(lesson);
}

function seriesHtml(lesson) {
  const s = lesson.series;
  let html = "";
  if (s) {
    html += `<p class="muted">${inlineMarkdown(s.heading)}</p>`;
    html += s.prose.map((p) => `<p>${inlineMarkdown(p)}</p>`).join("");
    if (s.row) html += "<dl>" + s.row.filter(([k]) => k !== "lesson").map(([k, v]) => `<dt>${inlineMarkdown(k)}</dt><dd>${inlineMarkdown(v)}</dd>`).join("") + "</dl>";
    html += s.items.map((p) => `<p>${inlineMarkdown(p)}</p>`).join("");
    html += `<p class="muted">From <code>lessons/SERIES.md</code>.</p>`;
  } else {
    html += `<p>${inlineMarkdown(lesson.doc.split("\n\n")[0])}</p>`;
  }
  return html;
}

function showLesson(lesson) {
  course.shown = lesson.name;
  $("exercise").hidden = true;
  $("lesson").hidden = false;
  $("lesson-title").innerHTML = `<code>${lesson.name}</code>: ${escapeHtml(lesson.title)}`;
  $("series").innerHTML = seriesHtml(lesson) +
    `<p><strong>The series reported:</strong> ${escapeHtml(lesson.reported)}</p>`;
  $("lesson-file").textContent = lesson.file;
  $("lesson-source").innerHTML = highlight(lesson.source);
  const run = course.runs[lesson.name];
  $("output").textContent = run ? run.output : "";
  $("pictures").innerHTML = "";
  if (run) run.pictures.forEach(showPicture);
  $("full-note").textContent = "";
  buttons();
}

function fullRun(lesson) {
  // {allowed, note}: the expected time of the full run in this page, from CPython's measured one
  const measured = times && times.lessons[lesson.name];
  const command = `python3 -m lessons run ${lesson.name}`;
  if (!measured || measured.full === undefined) {
    return { allowed: false, note: `The full run's time was not measured: run it in a terminal (${command}).` };
  }
  if (measured.full === null) {
    return { allowed: false, note: `The full run takes over ${measured.limit} s on CPython (more here): ` +
      `run it in a terminal (${command}).` };
  }
  const run = course.runs[lesson.name];
  const factor = run && run.quick && run.status === 0 && measured.quick > 2
    ? Math.max(1, run.seconds / measured.quick) : PAGE_FACTOR;
  const expected = measured.full * factor;
  const about = expected < 90 ? `${Math.ceil(expected)} s` : `${Math.ceil(expected / 60)} min`;
  const basis = `CPython takes ${measured.full.toFixed(1)} s (${times.measured}); this page runs about ` +
    `${factor.toFixed(1)} times slower${factor === PAGE_FACTOR ? "" : " (measured by the quick run here)"}`;
  if (expected > FULL_LIMIT_S) {
    return { allowed: false, note: `The full run would take about ${about} in this page (${basis}): ` +
      `run it in a terminal (${command}).` };
  }
  return { allowed: true, expected, note: `Full run: about ${about} in this page (${basis}).` };
}

function buttons() {
  const lesson = course.lessons.find((l) => l.name === course.shown);
  if (!lesson) return;
  const busy = course.running !== null;
  const full = fullRun(lesson);
  $("run-quick").disabled = busy || !!lesson.skip;
  $("run-full").disabled = busy || !!lesson.skip || !full.allowed;
  $("run-full").textContent = full.allowed ? `Full run (about ${full.expected < 90 ? Math.ceil(full.expected) + " s"
    : Math.ceil(full.expected / 60) + " min"})` : "Full run";
  $("stop").disabled = !busy;
  $("run-note").textContent = lesson.skip ? "" : busy ? `running ${course.running}…` : "";
  $("full-note").textContent = lesson.skip ? `Not run in the page: ${lesson.skip}.` : full.note;
}

function showPicture(message) {
  const url = message.url || (message.url = URL.createObjectURL(new Blob([message.bytes], { type: message.mime })));
  const figure = document.createElement("figure");
  const name = message.path.split("/").pop();
  figure.innerHTML = `<img src="${url}" alt="${escapeHtml(name)}" decoding="async"><figcaption>${escapeHtml(message.path)}</figcaption>`;
  $("pictures").appendChild(figure);
}

async function runLesson(name, quick) {
  const lesson = course.lessons.find((l) => l.name === name);
  const run = { name, quick, output: "", pictures: [], done: false, status: null, seconds: null };
  course.runs[name] = run;
  course.running = name;
  if (course.shown !== name) showLesson(lesson);
  $("output").textContent = "";
  $("pictures").innerHTML = "";
  buttons();
  const out = $("output");
  const started = performance.now();
  run.firstOutputMs = null;
  try {
    const answer = await python.call("course", "run", [name, quick], {}, {
      stdout: (m) => {
        if (run.firstOutputMs === null) run.firstOutputMs = performance.now() - started;
        run.output += m.text + "\n";
        if (course.shown === name) out.appendChild(document.createTextNode(m.text + "\n"));
      },
      picture: (m) => {
        run.pictures.push(m);
        if (course.shown === name) showPicture(m);
      },
    });
    run.status = answer.status;
    run.seconds = answer.seconds;
  } catch (e) {
    if (!e.stopped) throw e;
    run.stopped = true;
    run.output += "\n(stopped)\n";
    if (course.shown === name) out.appendChild(document.createTextNode("\n(stopped)\n"));
  } finally {
    run.doneAt = performance.now();
    run.wallMs = run.doneAt - started;
    run.done = true;
    if (course.running === name) course.running = null;
    if (course.shown === name) buttons();
  }
  if (!run.stopped) {
    $("run-note").textContent = `${run.status === 0 ? "done" : "exit status " + run.status}: ` +
      `${run.seconds.toFixed(1)} s of Python in the worker`;
  }
  return run;
}

// Stop: terminate the worker (whatever it computes ends now) and start a fresh one.
async function stop() {
  const clicked = performance.now();
  const running = course.runs[course.running] || course.grades[course.shown];
  const record = { what: running ? running.name : null };
  course.stops.push(record);
  const restarted = python.stop();
  await new Promise((resolve) => setTimeout(resolve, 0));     // the stopped call's handlers have run
  record.latencyMs = (running && running.doneAt ? running.doneAt : performance.now()) - clicked;
  status("Stopped. Starting a fresh Python…");
  await restarted;
  record.usableMs = performance.now() - clicked;
  status(`Stopped in ${record.latencyMs.toFixed(0)} ms; a fresh Python was ready ` +
    `${(record.usableMs / 1000).toFixed(1)} s after the click.`, "ok");
}

// ------------------------------------------------------------------ exercises

const took = (ms) => ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;

function showExercise(exercise) {
  course.shown = exercise.name;
  $("lesson").hidden = true;
  $("exercise").hidden = false;
  $("exercise-title").innerHTML = `<code>${exercise.name}</code>: ${escapeHtml(exercise.title)}`;
  $("exercise-text").innerHTML = exercise.text.split("\n\n").map((p) => p.startsWith("python3 ")
    ? `<pre>${escapeHtml(p)}</pre>` : `<p>${inlineMarkdown(p)}</p>`).join("");
  const saved = course.grades[exercise.name];
  $("editor").value = saved ? saved.code : exercise.skeleton;
  $("report").textContent = saved && saved.report ? saved.report : "";
  $("grade-command").textContent = exercise.command;
  $("grade-note").textContent = "";
}

async function grade(name) {
  const code = $("editor").value;
  const record = { name, code, done: false, report: "" };
  course.grades[name] = record;
  $("grade").disabled = true;
  $("stop-grade").disabled = false;
  $("report").textContent = "";
  $("grade-note").textContent = "grading…";
  const started = performance.now();
  try {
    const answer = await python.call("course", "grade", [name, code], {}, {
      stdout: (m) => {
        record.report += m.text + "\n";
        $("report").appendChild(document.createTextNode(m.text + "\n"));
      },
    });
    record.status = answer.status;
    $("grade-note").textContent = `${answer.status === 0 ? "PASS" : "not yet: exit status " + answer.status} ` +
      `(${took(performance.now() - started)})`;
  } catch (e) {
    if (!e.stopped) throw e;
    record.stopped = true;
    $("grade-note").textContent = "stopped";
  } finally {
    record.doneAt = performance.now();
    record.done = true;
    $("grade").disabled = false;
    $("stop-grade").disabled = true;
  }
}

main().catch((e) => {
  page.errors.push(String(e));
  status("Could not start: " + e.message, "error");
  console.error(e);
});
