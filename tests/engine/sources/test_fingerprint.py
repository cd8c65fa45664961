"""A fingerprint verifies any run of words from its document, and nothing changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.sources.fingerprint import RUN, fingerprint, pieces, words

KEY = "00" * 16
TEXT = (
    "Integrity. Holders of public office must avoid placing themselves under any obligation "
    "to people or organisations that might try inappropriately to influence them in their work."
)
# Words from a small vocabulary, so that texts repeat words as real ones do.
VOCABULARY = st.sampled_from(["the", "public", "must", "act", "fairly", "on", "merit", "and"])


def test_a_run_of_the_document_is_found_and_where_it_starts() -> None:
    cut = TEXT.index(" under")  # the page ends between two words of a sentence
    printed = fingerprint([("page 3", TEXT[:cut]), ("page 4", TEXT[cut:])], KEY)
    assert printed.locate(words("Holders of public office must avoid")) == "page 3"
    # A quote running over the page break is found, at the page where it starts.
    assert printed.locate(words("placing themselves under any obligation to people")) == "page 3"
    assert printed.locate(words("that might try inappropriately")) == "page 4"
    assert printed.locate(words("organisations that might try")) == "page 4"


def test_one_word_changed_added_or_dropped_is_not_found() -> None:
    printed = fingerprint([("", TEXT)], KEY)
    assert printed.locate(words("must avoid placing themselves")) == ""
    assert printed.locate(words("must never avoid placing themselves")) is None
    assert printed.locate(words("must avoid placing ourselves")) is None
    assert printed.locate(words("must placing themselves under")) is None


def test_typography_does_not_matter_but_words_do() -> None:
    printed = fingerprint([("", "the ‘public’ want personalisation — and quality")], KEY)
    assert printed.locate(words("The 'PUBLIC' want personalisation, and quality.")) == ""
    assert printed.locate(words("the public want personalisation and equality")) is None


def test_a_fingerprint_answers_only_under_its_own_key() -> None:
    ours = fingerprint([("", TEXT)], KEY)
    theirs = fingerprint([("", TEXT)], "11" * 16)
    assert ours.everywhere.isdisjoint(theirs.everywhere)


def test_longest_match_says_how_far_a_quote_follows_the_document() -> None:
    printed = fingerprint([("", TEXT)], KEY)
    said = words("holders of public office must avoid placing ourselves under")
    start, end = printed.longest_match(said)
    assert said[start:end] == words("holders of public office must avoid placing")
    said = words("that might try to influence them in their work")
    start, end = printed.longest_match(said)
    assert said[start:end] == words("to influence them in their work")
    assert printed.longest_match(words("nothing of this is in it")) == (0, 0)


def test_ellipses_split_a_quote_into_pieces() -> None:
    assert pieces("one two … three four... five") == ["one two", "three four", "five"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(VOCABULARY, min_size=RUN, max_size=40),
    st.data(),
)
def test_every_run_of_the_document_verifies(text: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - RUN))
    end = data.draw(st.integers(start + RUN, len(text)))
    printed = fingerprint([("", " ".join(text))], KEY)
    assert printed.locate(text[start:end]) == ""


@settings(max_examples=150, deadline=None)
@given(st.lists(VOCABULARY, min_size=RUN, max_size=40), st.data())
def test_a_word_the_document_lacks_is_never_verified(text: list[str], data: st.DataObject) -> None:
    printed = fingerprint([("", " ".join(text))], KEY)
    quote = list(text[:RUN])
    quote[data.draw(st.integers(0, RUN - 1))] = "bribery"  # not in the vocabulary
    assert printed.locate(quote) is None
