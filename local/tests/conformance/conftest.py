"""Fixtures for the ivschat-local conformance suite.

The suite drives a real `ivschat-local serve` process over HTTP with boto3 and
with the official AWS CLI. The binary comes from $IVSCHAT_LOCAL_BIN, falling back
to <repo>/target/debug/ivschat-local; a missing binary is an error, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from support import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, cli_error_text

REPO_ROOT = Path(__file__).resolve().parents[3]
READY_RE = re.compile(r"^ivschat-local listening on http://127\.0\.0\.1:(\d+)$")
READY_TIMEOUT_S = 20.0

# Keep the test process away from the developer's AWS configuration: no
# profiles, no config/credentials files, no endpoint overrides.
_ISOLATION_DIR = tempfile.mkdtemp(prefix="ivschat-conformance-")
for _k in [k for k in os.environ if k.startswith("AWS_")]:
    del os.environ[_k]
os.environ["AWS_CONFIG_FILE"] = os.path.join(_ISOLATION_DIR, "no-such-config")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(_ISOLATION_DIR, "no-such-credentials")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

# One boto3 session so every client shares the loaded service model.
_BOTO = boto3.session.Session()


# --------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------


def server_binary() -> Path:
    return Path(os.environ.get("IVSCHAT_LOCAL_BIN") or REPO_ROOT / "target" / "debug" / "ivschat-local")


class LocalServer:
    """A running `ivschat-local serve --listen 127.0.0.1:0 ...` process."""

    def __init__(self, args: list[str], log_dir: Path):
        binary = server_binary()
        self.args = list(args)
        self.cmd = [str(binary), "serve", "--listen", "127.0.0.1:0", *self.args]
        self.stderr_path = Path(tempfile.mkstemp(prefix="ivschat-local-", suffix=".stderr", dir=log_dir)[1])
        self._stderr = open(self.stderr_path, "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IVSCHAT_"))}
        self.proc = subprocess.Popen(
            self.cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=0,
            env=env,
        )
        self.ready_line = self._read_ready_line()
        m = READY_RE.match(self.ready_line)
        if not m:
            self.stop()
            raise RuntimeError(
                f"{self.cmd!r} printed {self.ready_line!r}; expected "
                f"'ivschat-local listening on http://127.0.0.1:PORT'\n{self.stderr_text()}"
            )
        self.port = int(m.group(1))
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.extra_stdout = bytearray()
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()

    def _read_ready_line(self) -> str:
        fd = self.proc.stdout.fileno()
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_READ)
        deadline = time.monotonic() + READY_TIMEOUT_S
        buf = b""
        try:
            while b"\n" not in buf:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.stop()
                    raise RuntimeError(
                        f"{self.cmd!r} printed no ready line within {READY_TIMEOUT_S}s "
                        f"(stdout so far {buf!r})\n{self.stderr_text()}"
                    )
                if not sel.select(remaining):
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    rc = self.proc.wait(5)
                    self.stop()
                    raise RuntimeError(
                        f"{self.cmd!r} exited with {rc} before printing its ready line "
                        f"(stdout {buf!r})\n{self.stderr_text()}"
                    )
                buf += chunk
        finally:
            sel.close()
        line, _, rest = buf.partition(b"\n")
        self._early_extra = rest
        return line.decode("utf-8", "replace").rstrip("\r")

    def _drain_stdout(self) -> None:
        self.extra_stdout += self._early_extra
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.extra_stdout += chunk

    def stderr_text(self, limit: int = 4000) -> str:
        try:
            if not self._stderr.closed:
                self._stderr.flush()
            text = self.stderr_path.read_text("utf-8", "replace")
        except OSError:
            return ""
        return "--- server stderr (tail) ---\n" + text[-limit:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        try:
            self.proc.stdout.close()
        except OSError:
            pass
        self._stderr.close()


@pytest.fixture(scope="session")
def server_log_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def _binary_present() -> Path:
    binary = server_binary()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(
            f"ivschat-local binary not found at {binary}. Build it with "
            f"`cargo build -p ivschat-local` or point IVSCHAT_LOCAL_BIN at it.",
            pytrace=False,
        )
    return binary


# The shared server: quotas off (the real 5 TPS room limits would throttle the
# suite) and a logging-configuration limit high enough for every test to create
# its own configurations. Tests that need isolation or other options use
# `spawn_server`.
SHARED_SERVER_ARGS = ["--quotas", "off", "--max-logging-configurations", "100000"]


@pytest.fixture(scope="session")
def server(_binary_present, server_log_dir):
    srv = LocalServer(SHARED_SERVER_ARGS, server_log_dir)
    yield srv
    srv.stop()


@pytest.fixture
def spawn_server(_binary_present, server_log_dir):
    """Factory: spawn_server('--max-rooms', '2') starts a private server process,
    stopped when the test ends."""
    started: list[LocalServer] = []

    def spawn(*args: str) -> LocalServer:
        srv = LocalServer(list(args), server_log_dir)
        started.append(srv)
        return srv

    yield spawn
    for srv in started:
        srv.stop()


@pytest.fixture
def fresh_server(spawn_server):
    """A private, empty server with quotas off (for listing tests that need a known state)."""
    return spawn_server("--quotas", "off")


# --------------------------------------------------------------------------
# boto3 clients
# --------------------------------------------------------------------------


def new_client(
    endpoint: str,
    *,
    region: str = REGION,
    access_key: str = ACCESS_KEY_ID,
    secret_key: str = SECRET_ACCESS_KEY,
    validate: bool = True,
):
    """An ivschat client with retries disabled (a single attempt), so throttling
    and errors surface immediately instead of being retried."""
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        parameter_validation=validate,
        connect_timeout=5,
        read_timeout=30,
    )
    return _BOTO.client(
        "ivschat",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=config,
    )


@pytest.fixture(scope="session")
def make_client():
    return new_client


@pytest.fixture(scope="session")
def client(server):
    return new_client(server.endpoint)


@pytest.fixture(scope="session")
def raw_client(server):
    """A client with botocore's client-side parameter validation switched off, so
    requests botocore would refuse (missing required members, below-min values,
    two-member unions) reach the server, which must reject them itself."""
    return new_client(server.endpoint, validate=False)


@pytest.fixture
def room(client):
    return client.create_room()


@pytest.fixture
def logging_configuration(client):
    return client.create_logging_configuration(
        destinationConfiguration={"s3": {"bucketName": "conformance-logs"}}
    )


# --------------------------------------------------------------------------
# The AWS CLI
# --------------------------------------------------------------------------


@dataclass
class CliResult:
    args: list[str]
    rc: int
    stdout: str
    stderr: str

    @property
    def json(self):
        assert self.rc == 0, f"aws {' '.join(self.args)} failed rc={self.rc}: {self.stderr}"
        return json.loads(self.stdout) if self.stdout.strip() else {}


def _find_aws_cli() -> list[str]:
    explicit = os.environ.get("IVSCHAT_CONFORMANCE_AWS_CLI")
    if explicit:
        return [explicit]
    # Prefer the console script installed next to this interpreter (skips
    # version-manager shims, which cost ~0.2 s per call).
    sibling = Path(sys.executable).parent / "aws"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return [str(sibling)]
    found = shutil.which("aws")
    if found:
        return [found]
    pytest.fail("the AWS CLI (`aws`) is not installed; pip install -r requirements.txt", pytrace=False)


class AwsCli:
    def __init__(self, home: Path):
        self.cmd = _find_aws_cli()
        missing = home / "missing"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IVSCHAT_"))}
        base.update(
            {
                "HOME": str(home),
                "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": str(missing / "config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(missing / "credentials"),
                "AWS_PAGER": "",
                "AWS_EC2_METADATA_DISABLED": "true",
                # One attempt: a retried request would hide what the server said.
                "AWS_RETRY_MODE": "standard",
                "AWS_MAX_ATTEMPTS": "1",
            }
        )
        self.env = base
        out = subprocess.run(
            [*self.cmd, "--version"], capture_output=True, text=True, env=self.env, timeout=60
        )
        self.version = (out.stdout + out.stderr).strip()
        m = re.match(r"aws-cli/(\d+)\.", self.version)
        assert m, f"cannot parse `aws --version` output {self.version!r}"
        self.major = int(m.group(1))
        # CLI v1 exits 255 on any service (ClientError) failure; v2 uses 254.
        self.service_error_rc = 255 if self.major == 1 else 254

    def run(self, endpoint: str, *args: str) -> CliResult:
        argv = [*self.cmd, "ivschat", *args, "--endpoint-url", endpoint, "--output", "json"]
        out = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=120)
        return CliResult(list(args), out.returncode, out.stdout, out.stderr)

    def assert_error(self, result: CliResult, code: str, operation: str) -> None:
        assert result.rc == self.service_error_rc, (
            f"aws {' '.join(result.args)} exited {result.rc}, expected {self.service_error_rc} "
            f"({self.version}); stderr: {result.stderr}"
        )
        assert cli_error_text(code, operation) in result.stderr, result.stderr
        assert result.stdout.strip() == ""


@pytest.fixture(scope="session")
def aws_cli(tmp_path_factory) -> AwsCli:
    return AwsCli(tmp_path_factory.mktemp("aws-cli-home"))


@pytest.fixture(scope="session")
def cli(aws_cli, server):
    """cli('get-room', '--identifier', arn) runs the AWS CLI against the shared server."""

    def run(*args: str) -> CliResult:
        return aws_cli.run(server.endpoint, *args)

    return run
