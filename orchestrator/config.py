"""The router's one YAML config, validated at load so a bad file names the field it got wrong."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from orchestrator.cache.config import CacheConfig
from orchestrator.event_loop import EventLoopName


class ConfigError(ValueError):
    """A config that cannot be used; the message names the offending field."""


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Endpoint(StrictModel):
    """One upstream serving a model. Envoy reaches it by IP, so names are resolved at load."""

    name: str
    address: str = Field(description="IP address or host name of the backend")
    port: Annotated[int, Field(ge=1, le=65535)]
    weight: Annotated[int, Field(ge=1)] = 1
    _destination: str = PrivateAttr(default="")

    @field_validator("address")
    @classmethod
    def _resolvable(cls, address: str) -> str:
        resolve_address(address)
        return address

    def model_post_init(self, context: object) -> None:
        # Resolved once at load: never a blocking DNS lookup on a request.
        self._destination = f"{resolve_address(self.address)}:{self.port}"

    @property
    def destination(self) -> str:
        """The `ip:port` Envoy's original-destination cluster connects to."""
        return self._destination


class Pricing(StrictModel):
    """Prices for cost metrics, per million tokens."""

    currency: str = "USD"
    prompt_per_1m: Annotated[float, Field(ge=0)] = 0.0
    completion_per_1m: Annotated[float, Field(ge=0)] = 0.0


GUARD_LABELS = ("jailbreak", "prompt_injection", "harmful")


class GuardConfig(StrictModel):
    """Jailbreak / prompt-injection / harmful-request guard.

    Every message whose role is listed is checked, long ones in overlapping windows of
    `window_words` words, so an attack cannot hide behind padding.
    """

    enabled: bool = True
    threshold: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    labels: list[Literal["jailbreak", "prompt_injection", "harmful"]] = list(GUARD_LABELS)
    roles: list[str] = ["system", "developer", "user", "assistant", "tool", "function"]
    rules: bool = Field(True, description="cheap pattern rules on top of the classifier")
    window_words: Annotated[int, Field(ge=16)] = 120
    window_overlap: Annotated[int, Field(ge=0)] = 20
    max_windows: Annotated[int, Field(ge=1)] = 32
    action: Literal["error", "completion"] = "error"
    refusal_message: str = "I can't help with that request."
    fail_closed: bool = Field(False, description="block when the guard cannot run (Triton down)")


class PiiTypeRule(StrictModel):
    """Whether a PII type needs the model, a validator, or both to agree."""

    source: Literal["model", "validator", "either", "both"] = "model"


class PiiConfig(StrictModel):
    enabled: bool = True
    # The model's spans already passed the entity-probability threshold calibrated by the
    # export (<= 1% of ordinary validation questions flagged); this is an extra filter on top.
    min_score: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    roles: list[str] = ["system", "developer", "user", "assistant", "tool", "function"]
    # Types with a checksum or strict format are decided by validators: the model's span
    # alone never blocks `order 1234 5678`, and `4111 1111 1111 1111` is caught without it.
    types: dict[str, PiiTypeRule] = {
        "CREDIT_CARD": PiiTypeRule(source="validator"),
        "IBAN_CODE": PiiTypeRule(source="validator"),
        "US_SSN": PiiTypeRule(source="validator"),
        "IP_ADDRESS": PiiTypeRule(source="validator"),
        "EMAIL_ADDRESS": PiiTypeRule(source="either"),
        # The model also tags order ids and other digit runs as phone numbers ("order 1234
        # 5678"); only the phone format decides: North American numbers alone, other national
        # formats with a country code, a phone word before them or an "-Office" label after.
        "PHONE_NUMBER": PiiTypeRule(source="validator"),
    }
    allow_explicit_reroute: bool = Field(
        False, description="reroute a request for an explicit model instead of blocking it"
    )


class PiiPolicy(StrictModel):
    """What a model may see. `on_violation`: `reroute` to a model that may (then block),
    `redact` the spans with placeholders, or `block`."""

    allow_by_default: bool = True
    pii_types_allowed: list[str] = []
    pii_types_denied: list[str] = []
    on_violation: Literal["reroute", "redact", "block"] = "reroute"
    restore: bool = Field(True, description="with redact: put the values back in the answer")

    def allows(self, pii_type: str) -> bool:
        if pii_type in self.pii_types_denied:
            return False
        return self.allow_by_default or pii_type in self.pii_types_allowed


class ModelConfig(StrictModel):
    name: str
    endpoints: Annotated[list[Endpoint], Field(min_length=1)]
    description: str = ""
    pricing: Pricing | None = None
    reasoning_family: str | None = Field(
        None, description="key of reasoning_families: how this model turns reasoning on"
    )
    pii_policy: PiiPolicy = PiiPolicy()


class ReasoningFamily(StrictModel):
    """How a model family switches reasoning on in the request body.

    `chat_template_kwargs`: `{"chat_template_kwargs": {parameter: true}}` (qwen3, deepseek);
    `reasoning_effort`: `{parameter: "<effort>"}` (gpt-oss, OpenAI o-series).
    """

    type: Literal["chat_template_kwargs", "reasoning_effort"]
    parameter: str


class ModelScore(StrictModel):
    model: str
    score: float = 1.0


class Category(StrictModel):
    """A route: the models that suit it, and example utterances that describe it."""

    name: str
    model_scores: Annotated[list[ModelScore], Field(min_length=1)]
    examples: list[str] = []
    threshold: Annotated[float, Field(ge=-1.0, le=1.0)] | None = Field(
        None, description="this route's example-similarity threshold (default: the global one)"
    )
    use_reasoning: bool = False
    reasoning_effort: Literal["low", "medium", "high"] = "medium"
    system_prompt: str | None = None
    system_prompt_mode: Literal["insert", "replace"] = "insert"


class KeywordRule(StrictModel):
    """L1 fast path: decided before any model call.

    `any`: one keyword/pattern occurs; `all`: every one does; `none`: none does.
    """

    name: str
    operator: Literal["any", "all", "none"] = "any"
    keywords: Annotated[list[str], Field(min_length=1)]
    regex: bool = False
    case_sensitive: bool = False
    category: str | None = None
    model: str | None = None
    skip_guard: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> KeywordRule:
        if (self.category is None) == (self.model is None):
            raise ValueError("set exactly one of category or model")
        if self.regex:
            for pattern in self.keywords:
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise ValueError(f"invalid regex {pattern!r}: {error}") from None
        return self


class RoutingOrder(StrictModel):
    """Which method decides first; the first that is confident wins. Low-confidence policy:
    `default` sends the request to default_model; `top2` lets the two likeliest categories
    vote for a model (see routing.py)."""

    order: list[Literal["keyword", "examples", "classifier"]] = [
        "keyword",
        "examples",
        "classifier",
    ]
    low_confidence: Literal["default", "top2"] = "top2"
    top2_min_score: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5

    @field_validator("order")
    @classmethod
    def _unique(cls, order: list[str]) -> list[str]:
        if len(set(order)) != len(order):
            raise ValueError("each method at most once")
        return order


class ToolSelection(StrictModel):
    """Tools chosen by embedding similarity (plus word overlap) when tool_choice=auto."""

    enabled: bool = False
    database: str | None = Field(None, description="JSON file of OpenAI tool definitions")
    top_k: Annotated[int, Field(ge=1)] = 3
    threshold: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.2
    max_request_tools: Annotated[int, Field(ge=1)] = 16
    # score = cosine + lexical_weight * BM25 / best BM25 (orchestrator/tool_lexical.py);
    # 0 ranks by cosine alone. 0.3 lifts BFCL top-3 from 93% to 96% (bench/RESULTS.md).
    lexical_weight: Annotated[float, Field(ge=0.0)] = 0.3


class Conversations(StrictModel):
    """Sticky routing: later turns of a conversation stay on the model of its first turn."""

    sticky: bool = True
    ttl_s: Annotated[float, Field(gt=0)] = 1800.0
    max_entries: Annotated[int, Field(ge=1)] = 100_000
    switch_confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 0.9
    context_turns: Annotated[int, Field(ge=0)] = 1
    short_message_words: Annotated[int, Field(ge=0)] = 8


class EndpointHealthConfig(StrictModel):
    """Passive health: an endpoint that answered 5xx (or could not be reached) is skipped."""

    failures_to_trip: Annotated[int, Field(ge=1)] = 1
    cooldown_s: Annotated[float, Field(gt=0)] = 30.0


class ExampleRouting(StrictModel):
    """Matching the query embedding against categories' example utterances."""

    threshold: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.45
    top_k: Annotated[int, Field(ge=1)] = 3


class ClassifierRouting(StrictModel):
    """The trained category head: its calibrated probability must reach the threshold."""

    threshold: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5


class MetricsConfig(StrictModel):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 9190


class ApiConfig(StrictModel):
    """The classification API and health endpoints (FastAPI, same process)."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    max_text_chars: Annotated[int, Field(ge=1)] = 20_000
    max_batch: Annotated[int, Field(ge=1)] = 64


class DecisionLogConfig(StrictModel):
    """One JSON line per request; the prompt only when include_prompt is set."""

    enabled: bool = True
    output: str = Field("stdout", description="'stdout' or a file path")
    include_prompt: bool = False


class TracingConfig(StrictModel):
    enabled: bool = False
    otlp_endpoint: str = "http://127.0.0.1:4317"
    insecure: bool = True
    service_name: str = "semantic-router"


class ReloadConfig(StrictModel):
    """Watch the config file (symlink swaps included) and apply valid changes live."""

    watch: bool = True
    interval_s: Annotated[float, Field(gt=0)] = 1.0


class TritonConfig(StrictModel):
    url: str = "127.0.0.1:8001"
    model: str = "router_encoder"
    timeout_s: Annotated[float, Field(gt=0)] = 5.0
    startup_timeout_s: Annotated[float, Field(gt=0)] = 120.0


class ServerConfig(StrictModel):
    extproc_host: str = "127.0.0.1"
    extproc_port: Annotated[int, Field(ge=1, le=65535)] = 50051
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1_048_576
    # uvloop unless the platform lacks it (orchestrator/event_loop.py says why).
    event_loop: EventLoopName = "uvloop"


class RouterConfig(StrictModel):
    server: ServerConfig = ServerConfig()
    triton: TritonConfig = TritonConfig()
    default_model: str
    models: Annotated[list[ModelConfig], Field(min_length=1)]
    categories: list[Category] = []
    example_routing: ExampleRouting = ExampleRouting()
    classifier: ClassifierRouting = ClassifierRouting()
    routing: RoutingOrder = RoutingOrder()
    keyword_rules: list[KeywordRule] = []
    reasoning_families: dict[str, ReasoningFamily] = {}
    tools: ToolSelection = ToolSelection()
    conversations: Conversations = Conversations()
    endpoint_health: EndpointHealthConfig = EndpointHealthConfig()
    guard: GuardConfig = GuardConfig()
    pii: PiiConfig = PiiConfig()
    cache: CacheConfig = CacheConfig()
    metrics: MetricsConfig = MetricsConfig()
    api: ApiConfig = ApiConfig()
    decision_log: DecisionLogConfig = DecisionLogConfig()
    tracing: TracingConfig = TracingConfig()
    reload: ReloadConfig = ReloadConfig()

    @model_validator(mode="after")
    def _references_resolve(self) -> RouterConfig:
        names = [m.name for m in self.models]
        _require_unique(names, "models")
        _require_unique([c.name for c in self.categories], "categories")
        if "auto" in names:
            raise ValueError("models: 'auto' is reserved for routed requests")
        if self.default_model not in names:
            raise ValueError(f"default_model: {self.default_model!r} is not one of models {names}")
        for i, category in enumerate(self.categories):
            for j, score in enumerate(category.model_scores):
                if score.model not in names:
                    raise ValueError(
                        f"categories[{i}].model_scores[{j}].model: {score.model!r} "
                        f"is not one of models {names}"
                    )
        category_names = [c.name for c in self.categories]
        for i, rule in enumerate(self.keyword_rules):
            if rule.model is not None and rule.model not in names:
                raise ValueError(f"keyword_rules[{i}].model: {rule.model!r} is not one of {names}")
            if rule.category is not None and rule.category not in category_names:
                raise ValueError(
                    f"keyword_rules[{i}].category: {rule.category!r} is not one of {category_names}"
                )
        for model in self.models:
            family = model.reasoning_family
            if family is not None and family not in self.reasoning_families:
                raise ValueError(
                    f"models[{model.name}].reasoning_family: {family!r} is not one of "
                    f"reasoning_families {sorted(self.reasoning_families)}"
                )
        if self.tools.enabled and not self.tools.database:
            raise ValueError("tools.database: required when tools.enabled is true")
        return self

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def model(self, name: str) -> ModelConfig | None:
        return next((m for m in self.models if m.name == name), None)


def _require_unique(names: list[str], field: str) -> None:
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{field}: duplicate names {duplicates}")


def resolve_address(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        pass
    try:
        return socket.gethostbyname(address)
    except OSError as error:
        raise ValueError(f"cannot resolve host {address!r} ({error})") from None


def _format_validation_error(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)


def parse_config(data: object, source: str = "config") -> RouterConfig:
    try:
        config = RouterConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"{source}: {_format_validation_error(error)}") from None
    return config


ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_environment(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """`${NAME}` and `${NAME:-default}` in the YAML text, as compose and Kubernetes users expect.

    One config file then serves loopback (defaults) and containers (variables set).
    """

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in environ:
            return environ[name]
        if default is None:
            raise ConfigError(f"environment variable {name} is not set and has no default")
        return default

    return ENV_REFERENCE.sub(substitute, text)


def read_config_data(path: str | Path) -> object:
    """The YAML document with environment references expanded (not yet validated)."""
    path = Path(path)
    try:
        return yaml.safe_load(expand_environment(path.read_text()))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from None


def load_config(path: str | Path) -> RouterConfig:
    """Read and validate; raises ConfigError, never returns a half-valid config.

    Relative file paths inside the config are relative to the config file.
    """
    config = parse_config(read_config_data(path), str(path))
    database = config.tools.database
    if database and not Path(database).is_absolute():
        tools = config.tools.model_copy(update={"database": str(Path(path).parent / database)})
        config = config.model_copy(update={"tools": tools})
    return config
