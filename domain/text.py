"""Vietnamese text: NFC normalisation, accent-insensitive folding, collation, safe display.

Folding is defined character by character (so ``fold(a + b) == fold(a) + fold(b)`` and a
folded query is a substring of the folded text whenever the plain query is a substring of
the plain text), and it is computed with one ``str.translate`` call over a lazily filled
table, which keeps it fast enough to index 100k records at open.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "clean_input",
    "collation_key",
    "escape_for_terminal_json",
    "fold",
    "nfc",
    "safe_display",
    "strip_terminal",
]

_D_MAP = {"đ": "d", "Đ": "d", "Ð": "d", "ð": "d", "Ɖ": "d", "ɖ": "d"}


def _fold_char(ch: str) -> str:
    """Fold one character: NFD, drop combining marks, map đ/Đ/Ð to d, casefold; to a fixed point."""
    out = ch
    for _ in range(4):
        decomposed = unicodedata.normalize("NFD", out)
        stripped = "".join(_D_MAP.get(c, c) for c in decomposed if not unicodedata.combining(c))
        folded = stripped.casefold()
        if folded == out:
            break
        out = folded
    return out


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that computes and remembers each character's fold."""

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


#: Filled as characters are met, not at import: warming it with the ~900 characters
#: Vietnamese is written in took every ``sotay`` command's start ~4 ms (issue 10).
_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Accent- and case-insensitive form for search: "Ứng dụng ĐƯỢC" → "ung dung duoc".

    Tone-mark placement variants ("hoà" / "hòa", "thuỷ" / "thủy") fold to the same string.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def nfc(text: str) -> str:
    """Unicode NFC, the form every stored text takes."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


# C0 controls except TAB and LF, DEL, C1 controls; CR is kept out too (it moves the cursor).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI ... final byte
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)? # OSC ... BEL or ST (or unterminated)
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?       # DCS / SOS / PM / APC strings
  | \x1b[ -/]*[0-~]?                   # other ESC sequences (and a lone ESC)
  | \x9b[0-?]*[ -/]*[@-~]              # 8-bit CSI
    """,
    re.VERBOSE,
)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: What a terminal acts on, in JSON text: DEL, the C1 controls (U+009B is an 8-bit CSI) and
#: the bidi overrides and isolates, which JSON allows raw inside a string; and the C0
#: controls but TAB, LF and CR (JSON's whitespace), which an encoder escapes anyway.
_RAW_IN_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_terminal(text: str) -> str:
    """Remove terminal escape sequences, control characters and bidi overrides.

    Text from other offices passes through this before it is drawn on a terminal.
    Newlines and tabs survive.
    """
    if text.isprintable():  # no control character, ESC, CSI or bidi mark (all unprintable)
        return text
    text = _ESCAPES.sub("", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    return _BIDI.sub("", text)


def escape_for_terminal_json(text: str) -> str:
    """JSON text with every control character (but JSON's whitespace), DEL, C1 control and
    bidi override or isolate written as ``\\uXXXX``.

    The same JSON value (a reader gets back exactly the same strings), but nothing a
    terminal would act on is printed raw.  Only valid on JSON text: outside its strings JSON
    is ASCII, so every such character is inside a string, where the escape means itself.
    """
    if text.isascii() and text.isprintable():
        return text
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_display(value: object) -> str:
    """Any stored value as text that is safe to print to a terminal."""
    if value is None:
        return ""
    return strip_terminal(value if isinstance(value, str) else str(value))


def clean_input(text: str, *, multiline: bool = False) -> str:
    """Normalise typed, pasted or imported text: NFC, no control characters, trimmed.

    Single-line fields also fold runs of whitespace into one space.
    """
    text = strip_terminal(nfc(text))
    if multiline:
        lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
        return "\n".join(lines).strip("\n")
    return " ".join(text.split())


# ---------------------------------------------------------------------------
# Collation: Vietnamese alphabetical order (a ă â b c d đ e ê …), tones second.
# ---------------------------------------------------------------------------
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_RANK = {letter: 100 + i for i, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


@lru_cache(maxsize=4096)
def _char_key(ch: str) -> tuple[int, int, int]:
    """(primary letter rank, tone, case) for one precomposed character."""
    lower = ch.lower()
    case = 0 if ch == lower else 1
    if lower in ("đ", "ð"):
        return (_LETTER_RANK["đ"], 0, case)
    parts = unicodedata.normalize("NFD", lower)
    base = parts[0]
    tone = 0
    for mark in parts[1:]:
        if mark in _MODIFIERS:
            base = unicodedata.normalize("NFC", base + mark)
        elif mark in _TONES:
            tone = _TONES[mark]
    rank = _LETTER_RANK.get(base)
    if rank is None:
        code = ord(base)
        # digits and punctuation before letters, other scripts after
        rank = code if code < 100 else 1000 + code
    return (rank, tone, case)


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key for Vietnamese order: "Đà Nẵng" after "Dương", "ă" after "a", tones second.

    Tones are compared per word (syllable), so "hoà" and "hòa" get the same key.
    """
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for word in nfc(text).split():
        word_primary, word_tone, word_cases = _word_key(word)
        primary += word_primary
        tones.append(word_tone)
        cases += word_cases
    return (tuple(primary), tuple(tones), tuple(cases))


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
    """One word's part of :func:`collation_key`: letter ranks then the boundary, its tone
    (the first one marked), the letters' cases.  Names and titles repeat their syllables, so
    a list of 30,000 people sorts from a few thousand of these."""
    primary: list[int] = []
    cases: list[int] = []
    word_tone = 0
    for ch in word:
        rank, tone, case = _char_key(ch)
        primary.append(rank)
        cases.append(case)
        word_tone = word_tone or tone
    primary.append(1)  # word boundary sorts before any letter
    return (tuple(primary), word_tone, tuple(cases))
