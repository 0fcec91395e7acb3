"""The private engagement registry: who an engagement_id stands for.

Names and program details live only here, under the private folder, so responses and
program exports carry nothing but the pseudonymous engagement_id. The file is append
only: a correction is a newer line for the same id, and the newest line wins.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from widgets.clock import Clock, stamp, utc_now
from widgets.errors import InputError
from widgets.forms.validation import control_characters
from widgets.ids import check_engagement_id, new_engagement_id
from widgets.paths import private_dir
from widgets.store.tables import append_table, read_table

__all__ = [
    "REGISTRY_COLUMNS",
    "Engagement",
    "EngagementRegistry",
    "RegistryError",
    "UnknownEngagement",
]

REGISTRY_COLUMNS = (
    "engagement_id",
    "first_name",
    "coach",
    "program",
    "cohort",
    "start_date",
    "created_at",
)
_LIMITS = {"first_name": 60, "coach": 80, "program": 80, "cohort": 80}
_LABELS = {
    "first_name": "Coachee's first name",
    "coach": "Coach",
    "program": "Program",
    "cohort": "Cohort",
    "start_date": "Engagement start date",
}


class RegistryError(InputError, ValueError):
    """A new engagement cannot be created; ``problems`` maps each field to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(f"{_LABELS[k]}: {v}" for k, v in problems.items()))


class UnknownEngagement(InputError, LookupError):
    """A well-formed engagement_id that this registry never issued."""


@dataclass(frozen=True)
class Engagement:
    engagement_id: str
    first_name: str
    coach: str
    program: str
    cohort: str
    start_date: date
    created_at: str

    def label(self) -> str:
        """Picker label: enough to tell engagements apart, in words a coach uses (the
        pseudonymous id is storage detail and never shown)."""
        where = " ".join(part for part in (self.program, self.cohort) if part)
        started = f"{self.start_date:%d %b %Y}".lstrip("0")
        return f"{self.first_name} · {where or 'no program'} · started {started}"


class EngagementRegistry:
    """Create and look up engagements in ``<root>/private/engagements.csv``.

    ``clock`` gives the time stamped as ``created_at``; tests pass a fake one.
    """

    def __init__(self, root: Path | None = None, *, clock: Clock = utc_now) -> None:
        self.path = private_dir(root) / "engagements.csv"
        self.clock = clock

    def create(
        self,
        *,
        first_name: str,
        start_date: date | None,
        coach: str = "",
        program: str = "",
        cohort: str = "",
    ) -> Engagement:
        fields = {
            "first_name": first_name.strip(),
            "coach": coach.strip(),
            "program": program.strip(),
            "cohort": cohort.strip(),
        }
        problems: dict[str, str] = {}
        now = self.clock()
        if not fields["first_name"]:
            problems["first_name"] = "required."
        for key, text in fields.items():
            if len(text) > _LIMITS[key]:
                problems[key] = f"{len(text)} characters; at most {_LIMITS[key]}."
            elif control_characters(text) or "\n" in text or "\t" in text:
                problems[key] = "use plain text on one line."
        if start_date is None:
            problems["start_date"] = "required, so the kit can check the meeting's timing."
        else:
            today = now.date()
            earliest, latest = date(today.year - 10, 1, 1), today + timedelta(days=366)
            if not earliest <= start_date <= latest:
                problems["start_date"] = (
                    f"{start_date:%d %b %Y} looks mistyped: give the day the coaching started "
                    f"(between {earliest:%Y} and {latest:%b %Y})."
                )
        if problems:
            raise RegistryError(problems)
        assert start_date is not None
        engagement = Engagement(
            engagement_id=new_engagement_id(),
            start_date=start_date,
            created_at=stamp(now, timespec="seconds"),
            **fields,
        )
        row = asdict(engagement)
        row["start_date"] = engagement.start_date.isoformat()
        append_table(self.path, REGISTRY_COLUMNS, [row])
        return engagement

    def all(self) -> list[Engagement]:
        """Every engagement, newest first (latest line per id wins)."""
        latest: dict[str, Engagement] = {}
        for row in read_table(self.path):
            latest[row["engagement_id"]] = Engagement(
                engagement_id=row["engagement_id"],
                first_name=row["first_name"],
                coach=row["coach"],
                program=row["program"],
                cohort=row["cohort"],
                start_date=date.fromisoformat(row["start_date"]),
                created_at=row["created_at"],
            )
        return sorted(latest.values(), key=lambda e: e.created_at, reverse=True)

    def get(self, engagement_id: str) -> Engagement:
        """Return the engagement, refusing ids the kit did not issue."""
        check_engagement_id(engagement_id)
        for engagement in self.all():
            if engagement.engagement_id == engagement_id:
                return engagement
        raise UnknownEngagement(
            f"No engagement {engagement_id} in this kit's registry.",
            fix="Pick one from the list or create a new engagement.",
        )
