# `make bench`: the benchmark set in under 10 minutes on a 2-core machine (short runs; each
# script prints its table and appends it to bench/RESULTS.md with machine, load average and
# command). The full runs quoted in RESULTS.md are the scripts with their defaults (see
# bench/README.md). Included from the Makefile; uses its BIN and `models` target.
BENCH_PY ?= $(BIN)/python

.PHONY: bench bench-deps bench-inference bench-routing bench-peers bench-overhead bench-floor

bench: bench-deps bench-inference bench-routing bench-peers bench-overhead bench-floor

# aurelio's semantic-router (the peer in peers.py) without its dependency set, which would
# downgrade openai; only what its import needs.
bench-deps: venv
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps \
		semantic-router==1.1.1 colorlog colorama tiktoken cohere==5.21.1 mistralai==1.12.4 \
		voyageai langchain-text-splitters langchain-core uuid-utils aiolimiter

bench-inference: models bench-deps
	$(BENCH_PY) bench/inference.py --iterations 32

bench-routing: models bench-deps
	$(BENCH_PY) bench/routing_features.py --iterations 20000

bench-peers: models bench-deps
	$(BENCH_PY) bench/peers.py --per-category 20 --test-limit 200

bench-overhead: models bench-deps
	$(BENCH_PY) bench/overhead.py --requests 60 --concurrent-requests 128 --rounds 2 \
		--hits 30 --memory 1000 2000 --cache-entries 20000

bench-floor: models bench-deps
	$(BENCH_PY) bench/extproc_floor.py --requests 100 --concurrent-requests 320
