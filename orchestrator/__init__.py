"""Semantic router orchestrator: an Envoy ext_proc server that routes OpenAI requests."""
