"""Who a request belongs to: one header's value, hashed, for every per-tenant table.

The semantic cache's scope and sticky conversations both key on it, so a deployment that
names its tenants by another header (`cache.tenant_header`) gets the same partition in both,
and no credential is kept in memory in clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

DEFAULT_HEADER = "authorization"
# Requests without the header; not a hex digest, so no credential can hash to it.
ANONYMOUS = "anonymous"


def tenant_key(headers: Mapping[str, str], header: str = DEFAULT_HEADER) -> str | None:
    """SHA-256 of the header's name and value; None when the request does not carry it.

    Header names arrive in lower case from Envoy; `header` is looked up as given."""
    value = str(headers.get(header, ""))
    if not value:
        return None
    return hashlib.sha256(f"{header}:{value}".encode()).hexdigest()
