"""JSON-LD for signed credentials: RDF Dataset Canonicalization (RDFC-1.0, by ``pyld``) with the contexts we
sign under served from files in ``kit/contexts/``, never fetched: a proof must not depend on the network,
and a context that changed upstream would change what our signatures mean.

The files are the published contexts, byte for byte: the W3C VC Data Model 2.0 context (it also defines
Data Integrity proofs, Multikey and the Bitstring Status List), and the Open Badges 3.0.3 context.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_FILES = {VC_CONTEXT: "credentials-v2.jsonld", OB3_CONTEXT: "ob-v3p0-context-3.0.3.json"}
_DIRECTORY = Path(__file__).with_name("contexts")


class UnknownContext(ValueError):
    """A document names a context we do not hold; canonicalizing it would need the network."""


@cache
def context_document(url: str) -> dict[str, Any]:
    name = _FILES.get(url)
    if name is None:
        raise UnknownContext(f"no local copy of the JSON-LD context {url}")
    document: dict[str, Any] = json.loads((_DIRECTORY / name).read_text(encoding="utf-8"))
    return document


def _load(url: str, _options: Any = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def canonical_nquads(document: dict[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of ``document`` (URDNA2015 is the same algorithm under its old name).
    Terms no context defines are an error rather than silently dropped: they would go unsigned."""
    options: dict[str, Any] = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": _load,
        "safe": True,
    }
    try:
        result = jsonld.normalize(document, options)
    except jsonld.JsonLdError as error:
        cause = error
        while getattr(cause, "cause", None) is not None:
            cause = cause.cause
        if isinstance(cause, UnknownContext):
            raise cause from error
        raise ValueError(f"not canonicalizable as JSON-LD: {error}") from error
    return str(result)
