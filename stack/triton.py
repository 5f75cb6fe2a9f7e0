"""Run the `tritonserver` shipped in the nvidia-pytriton wheel on our model repository.

The wheel carries the server, the Python backend and a stub per Python version, but not in
the folder layout Triton expects; we assemble a backend directory of links under the build
cache and point the loader at the wheel's bundled libraries. The stub uses this
interpreter's libpython and sees the virtual environment through PYTHONPATH, so the
encoder model imports onnxruntime and tokenizers from the same venv as the router.
"""

from __future__ import annotations

import site
import sys
import sysconfig
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from stack.processes import ManagedProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPOSITORY = ROOT / "model_repository"
BUILD_DIR = ROOT / ".build"


def pytriton_dir() -> Path:
    import pytriton

    return Path(pytriton.__file__).resolve().parent


def backend_directory(build_dir: Path = BUILD_DIR) -> Path:
    """A Triton backend folder: python/{libtriton_python.so, stub, utils} linked from the wheel."""
    server = pytriton_dir() / "tritonserver"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    sources = {
        "libtriton_python.so": server / "backends" / "python" / "libtriton_python.so",
        "triton_python_backend_utils.py": server
        / "backends"
        / "python"
        / "triton_python_backend_utils.py",
        "triton_python_backend_stub": server
        / "python_backend_stubs"
        / version
        / "triton_python_backend_stub",
    }
    target = build_dir / "triton_backends" / "python"
    target.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        if not source.exists():
            raise FileNotFoundError(f"nvidia-pytriton wheel lacks {source}")
        link = target / name
        if link.is_symlink() or link.exists():
            if link.resolve() == source.resolve():
                continue
            link.unlink()
        link.symlink_to(source)
    return target.parent


def server_environment() -> dict[str, str]:
    libs = [
        str(pytriton_dir().parent / "nvidia_pytriton.libs"),
        sysconfig.get_config_var("LIBDIR") or "",
    ]
    paths = [p for p in site.getsitepackages() if Path(p).is_dir()]
    return {
        "LD_LIBRARY_PATH": ":".join(p for p in libs if p),
        "ROUTER_MODEL_SITE_PACKAGES": ":".join(paths),
        "OMP_NUM_THREADS": "1",
        "PYTHONIOENCODING": "utf-8",
    }


@dataclass
class TritonServer:
    """A Triton bound to loopback (or `address` in a container), polling the repository so
    new versions load live."""

    log_path: Path
    repository: Path = DEFAULT_REPOSITORY
    http_port: int = 0
    grpc_port: int = 0
    metrics_port: int = 0
    poll_seconds: int = 2
    address: str = "127.0.0.1"
    process: ManagedProcess | None = None

    def __post_init__(self) -> None:
        self.http_port = self.http_port or free_port()
        self.grpc_port = self.grpc_port or free_port()
        self.metrics_port = self.metrics_port or free_port()

    @property
    def grpc_url(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def argv(self) -> list[str]:
        return [
            str(pytriton_dir() / "tritonserver" / "bin" / "tritonserver"),
            f"--model-repository={self.repository}",
            f"--backend-directory={backend_directory()}",
            "--model-control-mode=poll",
            f"--repository-poll-secs={self.poll_seconds}",
            f"--http-address={self.address}",
            f"--http-port={self.http_port}",
            f"--grpc-address={self.address}",
            f"--grpc-port={self.grpc_port}",
            f"--metrics-address={self.address}",
            f"--metrics-port={self.metrics_port}",
            "--allow-gpu-metrics=false",
            "--strict-readiness=true",
            "--log-verbose=0",
            "--exit-timeout-secs=5",
        ]

    def ready(self) -> bool:
        return self.ready_url("/v2/health/ready")

    def ready_url(self, path: str) -> bool:
        url = f"http://127.0.0.1:{self.http_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=0.5) as response:
                return response.status == 200
        except OSError:
            return False

    def model_ready(self, model: str) -> bool:
        return self.ready_url(f"/v2/models/{model}/ready")

    def start(self, timeout: float = 120.0, wait_for: tuple[str, ...] = ()) -> TritonServer:
        """Start and wait for the server and for each model named in `wait_for`.

        In poll mode the server reports ready before it has loaded the repository.
        """
        self.process = ManagedProcess(
            "tritonserver", self.argv(), self.log_path, env=server_environment()
        ).start()
        self.process.wait_until(
            lambda: self.ready() and all(self.model_ready(m) for m in wait_for), timeout
        )
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m stack.triton`: run Triton in the foreground (the container entry point)."""
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m stack.triton")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8000)
    parser.add_argument("--grpc-port", type=int, default=8001)
    parser.add_argument("--metrics-port", type=int, default=8002)
    parser.add_argument("--repository", type=Path, default=DEFAULT_REPOSITORY)
    args = parser.parse_args(argv)
    server = TritonServer(
        log_path=Path(os.devnull),
        repository=args.repository,
        http_port=args.http_port,
        grpc_port=args.grpc_port,
        metrics_port=args.metrics_port,
        address=args.address,
    )
    argv_ = server.argv()
    os.execve(argv_[0], argv_, {**os.environ, **server_environment()})


if __name__ == "__main__":
    sys.exit(main())
