"""Scopes are paths of offices: ``vn``, ``vn/bac-giang``, ``vn/bac-giang/yen-the``."""

from __future__ import annotations

import re

from domain.errors import ValidationError

_SCOPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")


def check_scope(value: object, field: str = "scope") -> str:
    text = str(value).strip().strip("/").lower()
    if not _SCOPE.match(text) or len(text) > 200:
        raise ValidationError.single(field, "validation.scope", value=value)
    return text


def is_scope(value: str) -> bool:
    return bool(_SCOPE.match(value))


def within(scope: str, office: str) -> bool:
    """True when ``scope`` is ``office`` itself or lies inside its subtree."""
    return scope == office or scope.startswith(office + "/")
