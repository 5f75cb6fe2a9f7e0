#!/usr/bin/env bash
# Installs and configures rootful podman so that this machine serves the Docker API without a
# Docker engine. Idempotent: a second run installs nothing and rewrites the same config.
#
#   deploy/podman/setup.sh            # packages + containers.conf under $ROUTER_PODMAN_DIR
#
# Workarounds for this machine kind (containers inside a VM that has a /.dockerenv):
# - runc, not crun: crun fails on the hybrid cgroup layout.
# - default ulimits computed here: podman's defaults exceed what root may set in this sandbox.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${ROUTER_PODMAN_DIR:-$ROOT/.build/podman}"
# netavark + aardvark-dns: container networks with DNS, so compose services find each other by
# name (Debian's podman defaults to CNI, whose bridge has no name resolution).
PACKAGES=(podman runc fuse-overlayfs slirp4netns uidmap netavark aardvark-dns debootstrap
  docker-compose curl)

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

nofile="$(ulimit -Hn)"
nproc="$(ulimit -Hu)"
pid_max="$(cat /proc/sys/kernel/pid_max)"
if [[ $nproc == unlimited ]] || ((nproc > pid_max)); then nproc="$pid_max"; fi
if [[ $nofile == unlimited ]]; then nofile=1048576; fi

mkdir -p "$STATE"
cat >"$STATE/containers.conf.tmp" <<CONF
# Written by deploy/podman/setup.sh; point CONTAINERS_CONF here.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
CONF
mv "$STATE/containers.conf.tmp" "$STATE/containers.conf"
echo "setup: podman $(podman --version | awk '{print $3}'), config $STATE/containers.conf"
