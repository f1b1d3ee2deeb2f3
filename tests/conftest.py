"""Shared fixtures: the real pipeline, run once per session on the seed article."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEV = FIXTURES / "dev"


def require_tool(name: str) -> str:
    """The path of a command-line tool; in CI a missing tool fails, elsewhere it skips."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory):
    """The seed article built end to end, with every output written."""
    from kg.exports import write_all
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("seed-output")
    result = build([SEEDS])
    write_all(result, out)
    return result, out
