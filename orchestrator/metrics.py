"""Prometheus metrics: the one module-level registry the orchestrator keeps.

Names follow the vLLM Semantic Router (`llm_*`) where a metric means the same thing, so its
users' dashboards keep working; metrics it has no equivalent for are `router_*`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

# Millisecond resolution at the low end: the router's own steps take 0.1-10 ms.
STEP_BUCKETS = (
    0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03,
    0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5,
)  # fmt: skip
LLM_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)

REQUESTS = Counter(
    "llm_model_requests_total",
    "Chat requests by the model that answers",
    ["model"],
    registry=REGISTRY,
)
REQUEST_ERRORS = Counter(
    "llm_request_errors_total",
    "Requests answered with an error, by model and reason (router error code or upstream_5xx)",
    ["model", "reason"],
    registry=REGISTRY,
)
ROUTING_MODIFICATIONS = Counter(
    "llm_model_routing_modifications_total",
    "Requests whose model the router changed (source: what the client asked for)",
    ["source_model", "target_model"],
    registry=REGISTRY,
)
ROUTING_DECISIONS = Counter(
    "router_routing_decisions_total",
    "Routing decisions by category, requested and chosen model, and the path that decided",
    ["category", "source_model", "target_model", "path"],
    registry=REGISTRY,
)
CATEGORY_CLASSIFICATIONS = Counter(
    "llm_category_classifications_count",
    "Requests per category decided by the classifier or example routes",
    ["category"],
    registry=REGISTRY,
)
ROUTING_LATENCY = Histogram(
    "llm_model_routing_latency_seconds",
    "Total time the router spent on a request (all steps, excluding the backend)",
    buckets=STEP_BUCKETS,
    registry=REGISTRY,
)
STEP_LATENCY = Histogram(
    "router_step_latency_seconds",
    "Time per router step: parse, signals, guard, cache, classify, total",
    ["step"],
    buckets=STEP_BUCKETS,
    registry=REGISTRY,
)
TRITON_LATENCY = Histogram(
    "router_triton_request_latency_seconds",
    "Triton inference round trip as seen by the router",
    buckets=STEP_BUCKETS,
    registry=REGISTRY,
)
TRITON_BATCH = Histogram(
    "router_triton_batch_size",
    "Texts per Triton inference call sent by the router",
    buckets=BATCH_BUCKETS,
    registry=REGISTRY,
)
TRITON_ERRORS = Counter(
    "router_triton_errors_total", "Failed Triton calls (the request degrades)", registry=REGISTRY
)
CACHE_HITS = Counter("llm_cache_hits_total", "Semantic cache hits", registry=REGISTRY)
CACHE_MISSES = Counter("llm_cache_misses_total", "Semantic cache misses", registry=REGISTRY)
CACHE_ENTRIES = Gauge("llm_cache_entries_total", "Entries in the semantic cache", registry=REGISTRY)
CACHE_EVICTIONS = Counter(
    "router_cache_evictions_total", "Entries evicted from the semantic cache", registry=REGISTRY
)
GUARD_BLOCKS = Counter(
    "router_guard_blocks_total",
    "Requests blocked by the guard, by type",
    ["type"],
    registry=REGISTRY,
)
PROMPT_TOKENS = Counter(
    "llm_model_prompt_tokens_total",
    "Prompt tokens by model (response usage)",
    ["model"],
    registry=REGISTRY,
)
COMPLETION_TOKENS = Counter(
    "llm_model_completion_tokens_total",
    "Completion tokens by model (response usage)",
    ["model"],
    registry=REGISTRY,
)
COST = Counter(
    "llm_model_cost_total",
    "Cost by model from response usage and the configured prices",
    ["model", "currency"],
    registry=REGISTRY,
)
COMPLETION_LATENCY = Histogram(
    "llm_model_completion_latency_seconds",
    "Backend time from forwarding the request to the end of the response",
    ["model"],
    buckets=LLM_BUCKETS,
    registry=REGISTRY,
)
TTFT = Histogram(
    "llm_model_ttft_seconds",
    "Time to first token for streaming responses (forwarded request to first chunk)",
    ["model"],
    buckets=LLM_BUCKETS,
    registry=REGISTRY,
)
CONFIG_RELOADS = Counter(
    "router_config_reloads_total", "Config reload attempts by result", ["result"], registry=REGISTRY
)
