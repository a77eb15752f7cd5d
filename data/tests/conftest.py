"""Keep the tests away from whatever a developer downloaded: TWINNET_DATA points to an
empty folder, so `load_mnist()` with no directory sees only the shipped pieces (and
Debian's Fashion-MNIST), as on a fresh machine. Tests of the download folder set it
themselves."""
import pytest


@pytest.fixture(autouse=True)
def no_downloaded_datasets(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("TWINNET_DATA", str(tmp_path_factory.mktemp("no-downloads")))
