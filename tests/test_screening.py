"""Off-limits screening word by word: what a coachee named never reaches a shared screen."""

from __future__ import annotations

from widgets.instrument.screening import (
    OffLimitsScreen,
    held_back_note,
    significant_words,
    topics,
)


def test_a_topic_holds_back_any_line_sharing_a_significant_word():
    screen = OffLimitsScreen.from_answers(["my divorce"])
    assert screen.holds_back("Handled the divorce with grace")
    assert screen.holds_back("Two DIVORCES in the family")  # case and plural
    assert not screen.holds_back("Led the launch calmly")


def test_accents_and_case_do_not_hide_a_match():
    screen = OffLimitsScreen.from_answers(["Santé mentale"])
    assert screen.holds_back("her SANTE has improved")
    assert screen.holds_back("la mentalé d'équipe")
    assert OffLimitsScreen.from_answers(["the move to Zürich"]).holds_back("zurich office")


def test_stop_words_alone_never_hold_back_a_line():
    screen = OffLimitsScreen.from_answers(["my health", "anything about the team"])
    assert significant_words("anything about the team") == {"team"}
    assert not screen.holds_back("She speaks up about what matters to her")
    assert screen.holds_back("Her health is good")
    assert screen.holds_back("The teams trust her")


def test_topics_are_one_per_line_and_empty_lines_are_ignored():
    assert topics(["My divorce\n\n; the Reorganisation ;\n", ""]) == (
        frozenset({"divorce"}),
        frozenset({"reorganisation"}),
    )
    assert OffLimitsScreen.from_answers(["", "  "]).words == frozenset()


def test_screen_keeps_the_other_lines_and_counts_the_held_ones():
    screen = OffLimitsScreen.from_answers(["my divorce\nsalary"])
    text = "Opens with thanks\nMentions the divorce\nAsks about my salary"
    assert screen.screen(text) == ("Opens with thanks", 2)
    assert OffLimitsScreen().screen(text) == (text, 0)


def test_the_coach_is_told_how_many_and_why_never_what():
    assert held_back_note(0) == ""
    assert held_back_note(1) == "1 line held back (matches an off-limits topic)"
    assert held_back_note(3) == "3 lines held back (matches an off-limits topic)"
