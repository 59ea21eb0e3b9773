"""The shipped sample is the SPEC's sample, unchanged."""
from pathlib import Path

import pytest

from conftest import SAMPLE

SHARED = Path(__file__).resolve().parents[2] / "shared" / "sample-dataset.json"


def test_shipped_sample_is_the_shared_one():
    if not SHARED.exists():
        pytest.skip(f"no ../shared beside the checkout ({SHARED}): nothing to compare with")
    assert SAMPLE.read_bytes() == SHARED.read_bytes()
