"""Hot reload: watch the config file and swap in a valid new runtime without a restart.

Polling the file's content (through any symlinks) catches edits, renames and the symlink
swap Kubernetes performs on ConfigMap updates, with no platform-specific watcher. A config
that fails validation, or whose example routes cannot be embedded, is logged and dropped:
the old runtime keeps serving.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

from orchestrator import metrics
from orchestrator.config import ConfigError, RouterConfig, load_config
from orchestrator.extproc.processor import RuntimeHolder
from orchestrator.runtime import build_runtime
from orchestrator.signals import EncoderClient, SignalError

log = logging.getLogger(__name__)

# Sections bound at start-up (listening sockets, clients, log sinks): a change needs a restart.
RESTART_ONLY = (
    "server", "triton", "metrics", "api", "decision_log", "tracing", "reload", "cache",
)  # fmt: skip


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class ConfigReloader:
    def __init__(
        self, path: Path, runtimes: RuntimeHolder, encoder: EncoderClient, interval_s: float
    ) -> None:
        self.path = path
        self.runtimes = runtimes
        self.encoder = encoder
        self.interval_s = interval_s
        self.digest = file_digest(path)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.check()

    async def check(self) -> bool:
        """Reload if the file changed; True when a new config was applied."""
        digest = await asyncio.to_thread(file_digest, self.path)
        if digest is None or digest == self.digest:
            return False
        self.digest = digest
        try:
            config = await asyncio.to_thread(load_config, self.path)
            runtime = await build_runtime(config, self.encoder)
        except (ConfigError, SignalError) as error:
            metrics.CONFIG_RELOADS.labels("rejected").inc()
            log.error("config reload rejected, keeping the running config: %s", error)
            return False
        warn_restart_only(self.runtimes.current.config, config)
        self.runtimes.current = runtime
        metrics.CONFIG_RELOADS.labels("applied").inc()
        log.info("config reloaded from %s", self.path)
        return True


def warn_restart_only(old: RouterConfig, new: RouterConfig) -> None:
    for section in RESTART_ONLY:
        if getattr(old, section) != getattr(new, section):
            log.warning("config section %r changed: it takes effect after a restart", section)
