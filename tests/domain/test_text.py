"""Vietnamese folding and collation: what search and sorting feel like to a person."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from domain.text import clean_input, collation_key, fold, nfc, safe_display, strip_terminal

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY "
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
vn_text = st.text(alphabet=st.sampled_from(VIETNAMESE + " ,.-/0123456789"), max_size=60)
any_text = st.text(max_size=60)


def test_ung_dung_finds_ung_dung_with_accents() -> None:
    assert fold("ung dung") in fold("Kế hoạch ỨNG DỤNG công nghệ thông tin")
    assert fold("duoc") in fold("đã được phê duyệt")


def test_d_with_stroke_and_eth_fold_to_d() -> None:
    assert fold("Đ đ Ð") == "d d d"


def test_tone_mark_placement_variants_are_equal() -> None:
    assert fold("hoà") == fold("hòa")
    assert fold("thuỷ") == fold("thủy")
    assert collation_key("Hoà Bình") == collation_key("Hòa Bình")


def test_decomposed_input_folds_like_precomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "Thông báo kết luận")
    assert fold(decomposed) == fold("Thông báo kết luận") == "thong bao ket luan"


@given(any_text)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(any_text, any_text, any_text)
def test_folded_query_is_found_whenever_the_plain_query_is(a: str, query: str, b: str) -> None:
    text = a + query + b
    assert fold(query) in fold(text)


@given(vn_text, vn_text)
def test_folding_is_character_by_character(a: str, b: str) -> None:
    assert fold(a + b) == fold(a) + fold(b)


@given(vn_text)
def test_folded_vietnamese_is_plain_ascii(text: str) -> None:
    assert fold(text).isascii()


def test_vietnamese_sort_order_puts_d_stroke_after_d_and_breve_after_a() -> None:
    names = ["Đà Nẵng", "Dương", "Ăn", "An", "Bắc Giang", "Âu", "Ba"]
    assert sorted(names, key=collation_key) == [
        "An",
        "Ăn",
        "Âu",
        "Ba",
        "Bắc Giang",
        "Dương",
        "Đà Nẵng",
    ]


def test_tones_sort_after_the_base_letters() -> None:
    assert sorted(["má", "ma", "mà", "mạ"], key=collation_key) == ["ma", "mà", "má", "mạ"]


def test_terminal_escapes_from_other_offices_are_stripped() -> None:
    hostile = "Báo cáo\x1b[2J\x1b]0;owned\x07 quý II\x1b[31m đỏ\x9b1m\r\x07"
    shown = strip_terminal(hostile)
    assert shown == "Báo cáo quý II đỏ"
    assert "\x1b" not in safe_display(hostile)


@given(st.one_of(any_text, vn_text))
def test_printable_text_is_what_stripping_leaves(text: str) -> None:
    """The fast path: text with nothing unprintable (Vietnamese letters included) has no
    escape, control character or bidi mark, so stripping returns it as it is."""
    from domain import text as module

    if text.isprintable():
        full = module._BIDI.sub("", module._CONTROL.sub("", module._ESCAPES.sub("", text)))
        assert full == text and strip_terminal(text) is text


@given(any_text)
def test_stripped_text_has_no_control_characters(text: str) -> None:
    shown = strip_terminal(text)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in shown)


def test_input_is_stored_in_nfc_with_single_spaces() -> None:
    typed = unicodedata.normalize("NFD", "  Sở   Thông tin \t và Truyền thông ")
    assert clean_input(typed) == "Sở Thông tin và Truyền thông"
    assert clean_input(typed) == nfc(clean_input(typed))


def letter_by_letter_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The collation key computed one letter at a time, as before words were memoised."""
    from domain.text import _char_key

    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for word in nfc(text).split():
        word_tone = 0
        for ch in word:
            rank, tone, case = _char_key(ch)
            primary.append(rank)
            cases.append(case)
            word_tone = word_tone or tone
        primary.append(1)
        tones.append(word_tone)
    return (tuple(primary), tuple(tones), tuple(cases))


@given(st.one_of(vn_text, any_text))
def test_the_collation_key_is_the_same_word_by_word_as_letter_by_letter(text: str) -> None:
    assert collation_key(text) == letter_by_letter_key(text)
    assert collation_key(text) == letter_by_letter_key(text)  # the second time from the memo
