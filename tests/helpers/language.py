"""Is a text in one language?  The word lists of issue 11's acceptance 5, built from the
strings tables: English words are those of the English strings that the Vietnamese ones do not
also use; Vietnamese shows in any letter with its diacritics and in a few common words
written without them.  Used by the app's walk and by the command lines' --help walk."""

from __future__ import annotations

import re
from functools import cache

from domain.i18n import CATALOGUE, Lang

WORD = re.compile(r"[^\W\d_]+")
VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]")
#: Common Vietnamese words written without their accents (as in a slug or a hint).
VIETNAMESE_WORDS = frozenset(("cua", "va", "cac", "cho", "khong", "mot", "nhung", "trong", "voi"))
#: Words the product keeps in both languages: its name, key names, formats, programs, and
#: "dong", the currency's name in English and an unaccented Vietnamese word ("dong-bo").
SHARED = frozenset(
    (
        *("sotay", "docx", "csv", "md", "json", "jsonl", "ctrl", "esc", "enter", "postgresql"),
        *("sqlite", "dong"),
    )
)
#: English words of Textual and argparse that are in no strings table of ours.
LIBRARIES = frozenset(
    (
        *("no", "matches", "found", "select", "search", "commands", "palette"),
        *("usage", "options", "positional", "arguments", "argument", "show", "help", "message"),
        *("exit", "required", "invalid", "choice", "choose", "error", "expected", "unrecognized"),
        *("ambiguous", "allowed", "not", "with", "one", "of", "the", "following"),
    )
)
#: Names every screen shows as they are: the product's, and each language's own (on F2).
NAMES = ("Sổ tay", "Tiếng Việt", "English")
#: What is shown as it is in both languages: paths, and amounts of money in dong
#: ("1.000.000.000 đ": the currency's sign, as numbers keep the Vietnamese marks).
AS_IS = re.compile(r"(?<!\w)/[\w./-]+|(?<=\d) đ\b")
#: Code inside a string, typed as it is in both languages: a template's fields ("{found}",
#: "%(matches)s"), options with their value ("--keep other"), commands ("sotay removals"),
#: field=value and names_with_underscores, quoted commands.
CODE = re.compile(
    r"\{[^}]*\}|%\([^)]*\)\w|--[\w-]+(?: [a-z]+\b)?|sotay(?:-server)?(?: [a-z][\w-]*)*"
    r"|\S*[=_$]\S*|'[^']*'"
)
#: The command lines' own strings: their code words ("task", "office") are typed, not read.
COMMAND_LINE = ("cli.", "server.", "args.", "doctor.")


def catalogue_words(lang: Lang, *, skip: tuple[str, ...] = ()) -> set[str]:
    """The words of every loaded string in ``lang`` (but those under ``skip``), code aside."""
    index = 0 if lang == "vi" else 1
    pairs = [pair for key, pair in CATALOGUE.items() if not key.startswith(skip)]
    texts = [CODE.sub(" ", pair[index]) for pair in pairs]
    return {w.lower() for text in texts for w in WORD.findall(text)}


@cache
def english_words(skip: tuple[str, ...] = ()) -> frozenset[str]:
    """Words of the English strings (and the libraries') that no Vietnamese string uses
    ("plan", "save"; not "Excel"), two letters or more; ``skip``: tables whose Vietnamese
    words do not count as shared."""
    shared = catalogue_words("vi", skip=skip) | SHARED
    english = catalogue_words("en") | LIBRARIES
    return frozenset(w for w in english - shared if len(w) > 1)


def foreign(
    text: str,
    lang: Lang,
    data: frozenset[str],
    skip: tuple[str, ...] = COMMAND_LINE,
    capitals: bool = False,
) -> list[str]:
    """The words of ``text`` in the other language than ``lang``; ``data`` (lower-case words
    shown as someone typed them, also cut short in a column: "Nâng cấp Cổng thô…") aside.
    Words in capitals are abbreviations (CNTT) unless ``capitals`` (a metavar: VALUE)."""
    out: list[str] = []
    for name in NAMES:
        text = text.replace(name, " ")
    text = AS_IS.sub(" ", text)
    for match in WORD.finditer(text):
        word, low = match.group(), match.group().lower()
        cut = text[match.end() : match.end() + 1] == "…"
        if low in data or (cut and any(d.startswith(low) for d in data)):
            continue
        if lang == "vi" and low in english_words(skip) and (capitals or not word.isupper()):
            out.append(word)
        if lang == "en" and (VIETNAMESE.search(low) or low in VIETNAMESE_WORDS):
            out.append(word)
    return out


def showing(text: str, words: list[str]) -> str:
    """The lines of ``text`` where ``words`` are, for a failure's message."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if any(w in WORD.findall(line) for w in words))
