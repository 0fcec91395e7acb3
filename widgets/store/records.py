"""What one saved answer is: the columns of ``responses.csv`` and the checks on a save.

Long format, one row per answered item. A submission is the set of rows one press of
"Save" produces; correcting a form later writes a new submission with the next
``revision`` that ``supersedes`` the previous one, so nothing saved is ever
overwritten. Nothing here touches a file: the rules hold however the rows are stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from widgets.errors import InputError, StoreError

__all__ = [
    "MAX_ANSWER_CHARS",
    "RESPONSE_COLUMNS",
    "Answer",
    "AnswerTooLong",
    "Submission",
    "check_submission",
    "response_rows",
]

RESPONSE_COLUMNS: tuple[str, ...] = (
    "record_id",
    "recorded_at",
    "engagement_id",
    "session_id",
    "form",
    "meeting_number",
    "section",
    "item_id",
    "item_type",
    "value",
    "instrument_version",
    "revision",
    "supersedes",
)


# The longest answer the store accepts, in characters. Far beyond any real answer (a
# page of text is ~3,000), far below what breaks readers: one value over the csv
# module's default field limit (131,072) made every engagement fail to open. The
# instrument bounds each item's max_length to this, so the counter a coach sees and
# this refusal agree.
MAX_ANSWER_CHARS = 20_000


class AnswerTooLong(InputError, StoreError):
    """An answer longer than MAX_ANSWER_CHARS; caught with the store's other refusals."""


@dataclass(frozen=True)
class Answer:
    """One answered item: becomes one row of ``responses.csv``."""

    section: str
    item_id: str
    item_type: str
    value: str


@dataclass(frozen=True)
class Submission:
    """The rows one save produced, as read back (or just written)."""

    session_id: str
    engagement_id: str
    form: str
    meeting_number: int
    revision: int
    supersedes: str
    recorded_at: str
    instrument_version: str
    answers: tuple[Answer, ...]

    def values(self) -> dict[str, str]:
        """item_id -> value, the shape a form needs to show saved answers again."""
        return {answer.item_id: answer.value for answer in self.answers}


def check_submission(
    form: str, meeting_number: int, answers: Sequence[Answer], instrument_version: str
) -> None:
    """Refuse a save that could not be read back as one form's answers.

    Runs before the store takes its lock, so a refused save costs no disk access and
    leaves nothing behind.
    """
    if not isinstance(form, str) or not form:
        raise ValueError(f"form must be a form ID such as 'prep', not {form!r}.")
    if (
        not isinstance(meeting_number, int)
        or isinstance(meeting_number, bool)
        or meeting_number < 1
    ):
        raise ValueError(f"meeting_number must be a whole number from 1, not {meeting_number!r}.")
    if not isinstance(instrument_version, str):
        raise ValueError(f"instrument_version must be text, not {instrument_version!r}.")
    if not answers:
        raise StoreError(
            f"There is nothing to save for the {form!r} form: no item has an answer.",
            fix="Answer at least one item, then save.",
        )
    seen: set[str] = set()
    for answer in answers:
        if not isinstance(answer, Answer):
            raise TypeError(f"answers must be Answer objects, not {type(answer).__name__}.")
        for field in ("section", "item_id", "item_type", "value"):
            if not isinstance(getattr(answer, field), str):
                raise TypeError(
                    f"Answer.{field} of item {answer.item_id!r} must be text, "
                    f"not {getattr(answer, field)!r}."
                )
        if len(answer.value) > MAX_ANSWER_CHARS:
            raise AnswerTooLong(
                f"The answer to {answer.item_id!r} is {len(answer.value):,} characters, over "
                f"the limit of {MAX_ANSWER_CHARS:,}; nothing was saved.",
                fix=f"Shorten it to at most {MAX_ANSWER_CHARS:,} characters (or split it "
                "across items), then save again.",
            )
        if answer.item_id in seen:
            raise ValueError(
                f"Item {answer.item_id!r} is answered twice in one submission of {form!r}; "
                "the store keeps one row per item."
            )
        seen.add(answer.item_id)


def response_rows(submission: Submission) -> list[list[str]]:
    """The cells of ``submission``'s rows, in ``RESPONSE_COLUMNS`` order.

    Each row gets its own random ``record_id``, so a row can be cited on its own.
    """
    return [
        [
            str(uuid.uuid4()),
            submission.recorded_at,
            submission.engagement_id,
            submission.session_id,
            submission.form,
            str(submission.meeting_number),
            answer.section,
            answer.item_id,
            answer.item_type,
            answer.value,
            submission.instrument_version,
            str(submission.revision),
            submission.supersedes,
        ]
        for answer in submission.answers
    ]
