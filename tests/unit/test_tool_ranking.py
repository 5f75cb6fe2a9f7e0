"""Tool ranking: BM25 over tool texts, the hybrid score, the cosine-only threshold, one slot
per function name, and the request's own tools ranked the same way."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from orchestrator.config import ToolSelection
from orchestrator.tool_lexical import LexicalIndex, Terms, bm25, words
from orchestrator.tool_selection import ToolIndex, rank, select_tools, top_tools
from tests.conftest import KeywordEncoder


def tool(name: str, description: str = "") -> dict:
    return {"type": "function", "function": {"name": name, "description": description}}


def unit(*rows: list[float]) -> np.ndarray:
    array = np.array(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_words_split_names_and_drop_numbers() -> None:
    assert words("get_prime_factors of math.gcdValue 450 x 3d") == [
        "get",
        "prime",
        "factors",
        "of",
        "math",
        "gcd",
        "value",
    ]


def test_rare_words_outweigh_common_ones() -> None:
    docs = [
        Terms.of(text)
        for text in ("calculate prime factors", "calculate circle area", "calculate mean")
    ]
    scores = LexicalIndex.build(docs).scores("calculate the prime factors")
    assert int(np.argmax(scores)) == 0
    assert scores[0] == pytest.approx(1.0)
    assert 0 < scores[1] < 0.2  # "calculate" is in every tool: little evidence
    assert not LexicalIndex.build(docs).scores("weather in Paris").any()


def test_index_and_direct_bm25_agree() -> None:
    texts = ["prime factorize number", "get prime factors of a number", "compound interest"]
    docs = [Terms.of(t) for t in texts]
    for query in ("prime factors of 450", "interest on a number", "nothing matches"):
        expected = bm25(query, docs)
        np.testing.assert_allclose(LexicalIndex.build(docs).scores(query), expected, rtol=1e-6)
        assert expected.min() >= 0 and expected.max() <= 1


def test_lexical_evidence_separates_near_duplicates() -> None:
    tools = [
        tool("prime_factorize", "Factorize a number into primes"),
        tool("get_prime_factors", "Prime factors of a number"),
    ]
    vectors = unit([1.0, 0.10], [1.0, 0.16])  # embedding prefers prime_factorize, barely
    index = ToolIndex.of(tools, vectors)
    query, text = np.array([1.0, 0.0]), "Find the prime factors of 450"
    assert top_tools(query, text, index, 1, -1.0, 0.0)[0][0] == 0
    assert top_tools(query, text, index, 1, -1.0, 0.3)[0][0] == 1


def test_threshold_applies_to_cosine_only() -> None:
    tools = [tool("weather_now", "current weather"), tool("weather_history", "past weather")]
    index = ToolIndex.of(tools, unit([1.0, 0.0], [0.0, 1.0]))
    chosen = top_tools(np.array([1.0, 0.1]), "past weather history", index, 3, 0.5, 1.0)
    assert [i for i, _ in chosen] == [0]  # the word match cannot lift a dissimilar tool in


def test_one_slot_per_function_name() -> None:
    names = ["solve", "solve", "solve", "area", "volume"]
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5], dtype=np.float32)
    chosen = rank(scores, None, [tool(n) for n in names], 3, -1.0, 0.3)
    assert [i for i, _ in chosen] == [0, 3, 4]


def test_rank_matches_a_full_sort_when_names_repeat() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 60))
        # Mostly one name, so repeated names use up the first rows sorted.
        names = [f"f{int(rng.integers(0, 4))}" if rng.random() < 0.2 else "f" for _ in range(n)]
        cosine = rng.uniform(-1, 1, n).astype(np.float32)
        lexical = rng.uniform(0, 1, n).astype(np.float32)
        k, threshold = int(rng.integers(1, 5)), float(rng.uniform(-1, 0.5))
        score = cosine + 0.3 * lexical
        expected, seen = [], set()
        for i in sorted(range(n), key=lambda i: (-score[i], i)):
            if cosine[i] >= threshold and names[i] not in seen and len(expected) < k:
                seen.add(names[i])
                expected.append(i)
        chosen = rank(cosine, lexical, [tool(name) for name in names], k, threshold, 0.3)
        assert [i for i, _ in chosen] == expected


async def test_request_tools_are_ranked_with_their_words() -> None:
    database = ToolIndex.of([tool("solve_equation", "solve an equation")], unit([1.0, 0.0, 0.0]))
    config = ToolSelection(enabled=True, database="x", top_k=1, max_request_tools=2)
    body = {
        "tool_choice": "auto",
        "tools": [
            tool("sum_integral", "integral of a function"),  # both embed onto the math axis
            tool("sum_series", "sum of a series"),
            tool("solve_equation", "solve an equation"),
        ],
    }
    encoder = KeywordEncoder()
    query = np.array([1.0, 0.0, 0.0])
    chosen = await select_tools(body, query, "sum of this series", database, config, encoder)
    assert [t["function"]["name"] for t in chosen or []] == ["sum_series"]
    assert encoder.calls == [
        ["sum integral. integral of a function", "sum series. sum of a series"]
    ]
    cosine_only = config.model_copy(update={"lexical_weight": 0.0})
    chosen = await select_tools(body, query, "sum of this series", database, cosine_only, encoder)
    assert [t["function"]["name"] for t in chosen or []] == ["sum_integral"]  # first of a tie


def test_lexical_weight_config() -> None:
    assert ToolSelection().lexical_weight == 0.3
    with pytest.raises(ValidationError):
        ToolSelection(lexical_weight=-0.1)
