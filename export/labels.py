"""Label sets in head output order; config.pbtxt must list them in the same order."""

from __future__ import annotations

CATEGORY_LABELS: tuple[str, ...] = (
    "biology",
    "business",
    "chemistry",
    "computer science",
    "economics",
    "engineering",
    "health",
    "history",
    "law",
    "math",
    "other",
    "philosophy",
    "physics",
    "psychology",
)

GUARD_LABELS: tuple[str, ...] = ("benign", "jailbreak", "prompt_injection", "harmful")

PII_TYPES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "STREET_ADDRESS",
    "IP_ADDRESS",
    "IBAN_CODE",
    "DATE_TIME",
    "ORGANIZATION",
    "GPE",
)


def bio_labels(types: tuple[str, ...] = PII_TYPES) -> tuple[str, ...]:
    """O first, then B-/I- per type: the PII head's logit order."""
    return ("O", *(f"{prefix}-{t}" for t in types for prefix in ("B", "I")))


PII_BIO_LABELS = bio_labels()

# MMLU subject -> MMLU-Pro category (documented in export/data/README.md).
MMLU_SUBJECT_CATEGORY: dict[str, str] = {
    "anatomy": "biology",
    "college_biology": "biology",
    "high_school_biology": "biology",
    "medical_genetics": "biology",
    "business_ethics": "business",
    "management": "business",
    "marketing": "business",
    "professional_accounting": "business",
    "public_relations": "business",
    "college_chemistry": "chemistry",
    "high_school_chemistry": "chemistry",
    "college_computer_science": "computer science",
    "high_school_computer_science": "computer science",
    "computer_security": "computer science",
    "machine_learning": "computer science",
    "econometrics": "economics",
    "high_school_macroeconomics": "economics",
    "high_school_microeconomics": "economics",
    "electrical_engineering": "engineering",
    "clinical_knowledge": "health",
    "college_medicine": "health",
    "human_aging": "health",
    "human_sexuality": "health",
    "nutrition": "health",
    "professional_medicine": "health",
    "virology": "health",
    "high_school_european_history": "history",
    "high_school_us_history": "history",
    "high_school_world_history": "history",
    "prehistory": "history",
    "international_law": "law",
    "jurisprudence": "law",
    "professional_law": "law",
    "abstract_algebra": "math",
    "college_mathematics": "math",
    "elementary_mathematics": "math",
    "high_school_mathematics": "math",
    "high_school_statistics": "math",
    "global_facts": "other",
    "miscellaneous": "other",
    "high_school_geography": "other",
    "high_school_government_and_politics": "other",
    "security_studies": "other",
    "sociology": "other",
    "us_foreign_policy": "other",
    "formal_logic": "philosophy",
    "logical_fallacies": "philosophy",
    "moral_disputes": "philosophy",
    "moral_scenarios": "philosophy",
    "philosophy": "philosophy",
    "world_religions": "philosophy",
    "astronomy": "physics",
    "college_physics": "physics",
    "conceptual_physics": "physics",
    "high_school_physics": "physics",
    "high_school_psychology": "psychology",
    "professional_psychology": "psychology",
}

# MT-Bench category -> ours; "stem" and "humanities" mix several of ours and are left out.
MT_BENCH_CATEGORY: dict[str, str] = {
    "math": "math",
    "coding": "computer science",
    "writing": "other",
    "roleplay": "other",
    "extraction": "other",
    "reasoning": "other",
}
