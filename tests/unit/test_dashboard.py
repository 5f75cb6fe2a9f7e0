"""Every Grafana query refers to metrics the router exposes."""

import json
import re
from pathlib import Path

from orchestrator import metrics

DASHBOARD = (
    Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "semantic-router-dashboard.json"
)
PROMQL_WORDS = {"sum", "by", "rate", "increase", "histogram_quantile", "le", "avg", "max", "min"}


def exposed_names() -> set[str]:
    names = set()
    for family in metrics.REGISTRY.collect():
        for sample in family.samples:
            names.add(sample.name)
        names.add(family.name)
        if family.type == "counter":
            names.add(family.name + "_total")
        if family.type == "histogram":
            names.update(family.name + s for s in ("_bucket", "_sum", "_count"))
    return names


def metric_names(expr: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\([^()]*\bby\b|by \([^)]*\)", " ", expr)
    tokens = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_labels))
    return {t for t in tokens if t not in PROMQL_WORDS and ("_" in t)}


def test_every_dashboard_query_uses_exposed_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(exprs) >= 15
    exposed = exposed_names()
    used = set().union(*(metric_names(e) for e in exprs))
    assert used, "no metric names found in the dashboard"
    assert used <= exposed, f"dashboard uses unknown metrics: {sorted(used - exposed)}"


def test_checker_catches_an_unknown_metric() -> None:
    assert metric_names('sum by (model) (rate(llm_made_up_total{a="b"}[5m]))') == {
        "llm_made_up_total"
    }
