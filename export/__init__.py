"""Offline pipeline: build, train and export the router's encoder into the Triton repository."""
