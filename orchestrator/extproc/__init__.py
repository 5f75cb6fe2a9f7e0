"""Envoy ext_proc: the gRPC stream loop, one handler per phase, and the mutation builders."""
