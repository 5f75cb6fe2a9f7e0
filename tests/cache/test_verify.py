"""The look-alike check: paraphrases pass, each kind of look-alike is refused for its reason."""

from __future__ import annotations

import pytest

from orchestrator.cache import mismatch, same_meaning


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is 17 × 24?", "Compute 17 times 24"),
        ("What is the capital of France?", "Which city is France's capital?"),
        ("what is twenty four plus three", "what is 24 + 3"),
        ("Why is the sky blue?", "Explain why the sky is blue"),
        ("How do I reverse a list in Python?", "Reversing a list in python: how?"),
        ("What's the distance between Paris and London?", "How far is London from Paris?"),
        ("Why can't I sleep at night?", "Why am I not able to sleep at night?"),
    ],
)
def test_paraphrases_pass(a: str, b: str) -> None:
    assert same_meaning(a, b), mismatch(a, b)


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("What is 17 × 24?", "What is 17 × 23?", "numbers"),
        ("What is 17 + 24?", "What is 17 × 24?", "operators"),
        ("What is 10 - 3?", "What is 3 - 10?", "operand order"),
        ("Who was the second president?", "Who was the third president?", "numbers"),
        ("Why is the sky blue?", "Why isn't the sky blue?", "negation"),
        ("Coffee with sugar recipe", "Coffee without sugar recipe", "negation"),
        ("What is the capital of France?", "What is the capital of Germany?", "entities"),
        ("what is the capital of france", "what is the capital of spain", "entities"),
        ("Explain the 'ephemeral' keyword", "Explain the 'eternal' keyword", "entities"),
        ("Did Brutus kill Caesar?", "Did Caesar kill Brutus?", "entity order"),
        ("Flights from Paris to London", "Flights from London to Paris", "entity order"),
        ("Convert 5 km to miles", "Convert 5 miles to km", "entity order"),
        ("How do I enable 2FA?", "How do I disable 2FA?", "opposites"),
        ("How to increase heap size in Java", "How to decrease heap size in Java", "opposites"),
        ("How do I install numpy?", "How do I uninstall numpy?", "opposites"),
        ("Is it legal to fly drones here?", "Is it illegal to fly drones here?", "opposites"),
    ],
)
def test_lookalikes_are_refused_for_their_reason(a: str, b: str, reason: str) -> None:
    assert mismatch(a, b) == reason
    assert mismatch(b, a) == reason  # symmetric
