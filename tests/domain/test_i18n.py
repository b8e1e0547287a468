"""The one catalogue: every key the code names exists in Vietnamese and English, every kind
and field has a label, and an unknown key fails loudly in the tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from domain.i18n import CATALOGUE, known, t
from domain.models import KINDS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "sync", "documents", "tui", "server_stub")
KEY = re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
#: File names shaped like keys.
NOT_KEYS = {"store.core", "store.history", "store.journal", "store.journal.prev", "store.lock"}
NOT_KEYS |= {"server.db", "importer.tcss", "reports.tcss", "rollup.tcss"}


def _keys_named_in(source: str, namespaces: set[str]) -> set[str]:
    """String literals shaped like a key of a catalogue's namespace (``"ui.saved"``)."""
    tree = ast.parse(source)
    in_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in in_fstrings
        and KEY.fullmatch(node.value)
        and node.value not in NOT_KEYS
        and node.value.split(".", 1)[0] in namespaces
    }


def test_every_key_in_the_code_exists_in_vietnamese_and_english() -> None:
    namespaces = {key.split(".", 1)[0] for key in CATALOGUE}
    missing = {}
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            unknown = _keys_named_in(file.read_text("utf-8"), namespaces) - set(CATALOGUE)
            if unknown:
                missing[str(file.relative_to(ROOT))] = sorted(unknown)
    assert not missing
    for key, (vi, en) in CATALOGUE.items():
        assert vi.strip() and en.strip(), key


def test_every_kind_and_field_has_a_label() -> None:
    for kind, model in KINDS.items():
        assert known(f"kind.{kind}")
        for name in model.model_fields:
            assert known(f"field.{name}"), f"{kind}.{name}"


def test_an_unknown_key_or_a_missing_parameter_fails_in_the_tests() -> None:
    with pytest.raises(KeyError):
        t("ui.no_such_words", "vi")
    with pytest.raises(KeyError):
        t("ui.saved_record", "en", kind="Task")
    assert t("ui.saved_record", "en", kind="§kind.task", title="X") == "Saved task: X"


def test_a_value_that_only_looks_like_a_key_is_shown_as_typed() -> None:
    """A record id starting with "§" (a request from anyone) is data, not a key: before,
    the server answered 500 (strict) or showed the id cut down to its "last part"."""
    shown = t("server.record_not_found", "en", id="§x.y")
    assert shown == "No record '§x.y' within this office's scope."


#: English nouns a count is said with, and the words that may stand between them.
PLURALS = re.compile(
    r"\{(?!kind\})(\w+)\} (?:(?:working|damaged|new|follow-up|good|journal|history) )?"
    r"(targets|days|characters|records|bytes|seconds|tokens|offices|replicas|changes|minutes"
    r"|blocks|conflicts|fields|rows|tasks|entries|lines|requests)\b"
)


def test_an_english_count_of_one_says_its_noun_in_the_singular() -> None:
    """After every idle sync the English line said "(1 requests)", the dashboard "1 days
    over", a refused edit "The server refused 1 changes"."""
    synced = t("cli.synced", "en", pushed=1, pulled=0, removed=0, requests=1)
    assert synced == "Synced: sent 1 change, received 0 records, removed 0 (1 request)."
    synced = t("cli.synced", "en", pushed=2, pulled=1, removed=0, requests=2)
    assert synced == "Synced: sent 2 changes, received 1 record, removed 0 (2 requests)."
    assert t("ui.dash.days_over", "en", days=1) == "1 day over"
    assert t("ui.dash.days_left", "en", days=3) == "3 days left"
    assert t("ui.dash.days_over", "vi", days=1) == "quá 1 ngày", "Vietnamese has one form"
    vi = t("cli.synced", "vi", pushed=1, pulled=0, removed=0, requests=1)
    assert vi == "Đã đồng bộ: gửi 1 thay đổi, nhận 0 bản ghi, gỡ 0 (1 lượt gửi)."


def test_every_english_count_goes_through_the_singular_and_plural_spec() -> None:
    """A new string that writes "{count} records" would say "1 records": it must use
    ``{count:#record|records}``; and every such string formats for one and for many."""
    bare = {key: en for key, (_vi, en) in CATALOGUE.items() if PLURALS.search(en)}
    assert not bare
    fields = re.compile(r"\{(\w+)(?::[^}]*)?\}")
    for key, (_vi, en) in CATALOGUE.items():
        if ":#" not in en:
            continue
        for count in (1, 2):
            shown = t(key, "en", **dict.fromkeys(fields.findall(en), count))
            assert "#" not in shown and "|" not in shown, key
