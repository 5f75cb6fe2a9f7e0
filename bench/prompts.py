"""Benign chat prompts of a given token length (the served model's tokenizer), made unique by
a request number so the semantic cache misses (its verifier tells numbers apart)."""

from __future__ import annotations

from functools import cache

from tokenizers import Tokenizer

from export.repository import latest_version_dir

SIZES = {"short": 16, "typical": 64, "long": 512}

PASSAGES = (
    "I am planning a week of dinners for a family of four and want recipes that reuse the "
    "same vegetables, so nothing goes to waste. We like roasted carrots, leeks, lentils and "
    "rice, and the children prefer mild spices. Please suggest a plan with a shopping list "
    "grouped by aisle, and say which dishes can be cooked ahead on Sunday and kept in the "
    "fridge for two or three days. Mention how long each dish takes on a weeknight and which "
    "leftovers make a good lunch the next day. ",
    "Explain how a hash map handles collisions, comparing separate chaining with open "
    "addressing, and say when a resize happens and what it costs. Then describe how Python's "
    "dictionary keeps insertion order, why deleting keys leaves dummy entries behind, and "
    "what that means for memory in a long running service that adds and removes many keys "
    "every second. Finish with advice on choosing a load factor for a cache of short strings. ",
    "A train leaves the station at nine and travels at a steady speed for two and a half "
    "hours, stops for twenty minutes and then continues at a slower speed for another ninety "
    "kilometres. Show how to work out its average speed over the whole trip, explain why the "
    "average is not the mean of the two speeds, and give a general formula for any number of "
    "legs with different distances and speeds, with a short worked example at the end. ",
    "Write a short story about a lighthouse keeper on a small northern island who finds a "
    "message in a bottle written by a child many years ago. The story should follow the "
    "keeper across one autumn as storms arrive, describe the sea and the village in vivid "
    "detail, and end with a quiet surprise rather than a twist. Keep the tone warm and a "
    "little melancholy, and let the weather change the mood of every scene. ",
)


@cache
def tokenizer() -> Tokenizer:
    version = latest_version_dir()
    if version is None:
        raise SystemExit("no router_encoder version: run `python -m export embedder --if-missing`")
    tok = Tokenizer.from_file(str(version / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def token_count(text: str) -> int:
    return len(tokenizer().encode(text).ids)


@cache
def base_text(passage: int, tokens: int) -> str:
    """The passage repeated and cut to about `tokens` tokens (special tokens included)."""
    source = PASSAGES[passage % len(PASSAGES)] * (tokens // 60 + 2)
    words = source.split()
    low, high = 1, len(words)
    while low < high:  # the longest word prefix that fits
        mid = (low + high + 1) // 2
        if token_count(" ".join(words[:mid])) <= tokens - 6:  # room for the request number
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low])


def prompt(size: str, number: int) -> str:
    return f"(#{number}) {base_text(number % len(PASSAGES), SIZES[size])}"
