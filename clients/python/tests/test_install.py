"""The package installs from source with pip, offline (no build isolation: setuptools from Debian), into a venv
that sees Debian's websockets/msgpack/pandas, and imports from there."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_pip_installs_the_package_offline(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(HERE.parent, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index", str(source)],
                         capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import marketfeed, marketfeed.dataframe; print(marketfeed.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    assert str(venv) in probe.stdout
