"""Starting the real components on loopback: Triton, Envoy, fake LLM backends, the whole stack."""
