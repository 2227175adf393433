"""Fixtures: a real MarketFeed server (the Release or Debug build of src/MarketFeed.Server, started as a process on a
free loopback port with its own data directory) and the `marketfeed` CLI for comparisons with the .NET client."""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the package from source, installed or not
sys.path.insert(0, str(HERE))
REPO = HERE.parents[2]


def _build_output(project: str, name: str) -> Path:
    for config in ("Release", "Debug"):
        for candidate in sorted((REPO / "src" / project / "bin" / config).glob(f"net*/{name}")):
            return candidate
    raise RuntimeError(f"build {project} first: dotnet build src/{project} -c Release")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real server process; stop() and start() keep the port and data directory (restart scenarios)."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.dll = Path(os.environ.get("MARKETFEED_SERVER_DLL") or _build_output("MarketFeed.Server", "MarketFeed.Server.dll"))
        self.port = port or free_port()
        self.data_dir = data_dir
        self.log_path = data_dir.parent / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/v1"

    def start(self, timeout: float = 60.0) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            ["dotnet", str(self.dll), "--urls", f"http://127.0.0.1:{self.port}",
             f"--Replay:DataDirectory={self.data_dir}"],
            cwd=REPO / "src" / "MarketFeed.Server", stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log_path}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer on {self.port} within {timeout} s; see {self.log_path}")

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: graceful shutdown (clients get 1001)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.process = None


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="marketfeed-py-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def server(workdir):
    srv = Server(workdir / "data")
    srv.data_dir.mkdir()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def own_server(workdir):
    """A server of the test's own (it may stop and restart it)."""
    srv = Server(workdir / f"data-{free_port()}")
    srv.data_dir.mkdir()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def cli():
    dll = Path(os.environ.get("MARKETFEED_CLI_DLL") or _build_output("MarketFeed.Cli", "marketfeed.dll"))

    def run(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
        return subprocess.run(["dotnet", str(dll), *args], capture_output=True, text=True, timeout=timeout)

    return run


def run(coro, timeout: float = 60.0):
    """Runs a test body on a fresh event loop, bounded in time."""
    return asyncio.run(asyncio.wait_for(coro, timeout))
