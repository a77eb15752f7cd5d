"""Make `import pure, vectorized, data, conformance` work when pytest runs from anywhere."""
import io
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


# `python -m conformance check` from the tests (test_io.py, test_against.py): a saved model of every
# layer type, and the command run in-process with its output captured.

@pytest.fixture
def model_file(tmp_path):
    import vectorized
    from conformance.components import build_every_layer_type
    path = tmp_path / "model.json"
    vectorized.save(build_every_layer_type(vectorized), path)
    return path


def run_check(*argv):
    """(exit code, stdout, stderr) of `python -m conformance check ARGV...`."""
    from conformance import checkmodel
    out, err = io.StringIO(), io.StringIO()
    code = checkmodel.main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()
