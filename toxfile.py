"""tox's inline plugin (tox 4 loads it from here): before the pyodide, browser and micropython environments run,
install what they need (`npm ci` when node_modules/ is missing or stale) or say what is missing.

An environment that cannot run is reported in tox's summary as FAIL, with the reason, or as SKIP when
TWINNET_ALLOW_SKIP=1 is set: never as OK with every test skipped. The checks are tests/prerequisites.py.
"""
import importlib.util
import os

from tox.plugin import impl
from tox.tox_env.errors import Fail, Skip

_spec = importlib.util.spec_from_file_location(
    "twinnet_prerequisites", os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "prerequisites.py"))
prerequisites = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(prerequisites)


@impl
def tox_before_run_commands(tox_env):
    name = tox_env.name
    if name not in prerequisites.ENVIRONMENTS:
        return
    why = prerequisites.problem(name, say=lambda message: print(message, flush=True))
    if why is None:
        return
    if os.environ.get(prerequisites.ALLOW_SKIP) == "1":
        raise Skip(f"{why} ({prerequisites.ALLOW_SKIP}=1)")
    raise Fail(f"{why}; install it, or set {prerequisites.ALLOW_SKIP}=1 to have tox report this environment "
               f"as SKIP instead")
