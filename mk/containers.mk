# Containers: images from local material, the podman API service, the compose stack tests.
# Included from the Makefile. Installing podman needs root (apt-get, rootful podman), as on
# our machines and CI; where podman cannot be set up, the container tests skip and say why.
#
#   make container-images   # deploy/images/build.sh: base, router, triton, prometheus (cached)
#   make test-containers    # images, then tests/containers against podman's Docker API
.PHONY: podman-setup container-images test-containers

CONTAINER_TESTS := tests/containers tests/unit/test_compose_file.py
# podman's network helper (netavark) runs iptables/nft from the sbin directories, which a
# minimal PATH (`env -i`, some CI runners) lacks: image builds then fail with "netavark: No
# such file or directory". Every recipe here and the processes it starts get them.
export PATH := $(PATH):/usr/sbin:/sbin

podman-setup:
	deploy/podman/setup.sh

container-images: venv podman-setup
	deploy/images/build.sh

# The podman service (and its health-check ticker) is stopped by PID however pytest ends.
test-containers: venv
	@if deploy/podman/setup.sh && deploy/podman/service.sh check; then \
	  deploy/images/build.sh || exit 1; \
	  trap 'deploy/podman/service.sh stop' EXIT; \
	  deploy/podman/service.sh start || exit 1; \
	  eval "$$(deploy/podman/service.sh env)"; \
	  $(BIN)/python -m pytest -q -rs -p no:cacheprovider $(CONTAINER_TESTS); \
	else \
	  echo "test-containers: podman cannot run here; the engine tests skip" >&2; \
	  $(BIN)/python -m pytest -q -rs -p no:cacheprovider $(CONTAINER_TESTS); \
	fi
