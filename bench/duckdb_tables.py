"""The kit's two timing tables computed by DuckDB in SQL, straight from a store folder.

The analysis benchmark sets the kit beside a columnar SQL engine doing the same work on
the same ``responses.csv``, so the comparison is only honest if the SQL means what the
kit means (``widgets.analysis.timing_metrics``), not a simpler question:

* the latest submission only: each (engagement, form, meeting) keeps its session with
  the highest revision, then the latest save (a save without a time counts as oldest);
* a meeting's month is the engagement month of the day it started (the meeting form's
  ``meeting_started_at``), else of its checklist's planned ``meeting_date``; days
  before the engagement's start (from ``private/engagements.csv``) do not count;
* a meeting is held when its meeting form was saved; one planned but never held is
  counted apart (``planned_only``), never in ``meetings`` or ``share``;
* each meeting number is judged against its own window (none: ``no_window``);
* an agenda part overruns past its budget plus the larger of 10% of the budget and
  30 s (the kit's ``OverrunTolerance``); only meetings where the part ran count;
* a stored number of seconds that is not a number, or is below 0, is left out, as the
  kit's loader leaves it out.

Windows, tolerance, timed sections and their titles are read from the kit's own
settings and instrument, so both sides answer with the same parameters. Two things the
kit handles and this SQL does not, since the store never writes them: two saves of one
form with the same revision and time (the kit keeps the later in the file, this SQL
the larger session id) and a registry naming an engagement twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["duckdb_tables", "statements"]


def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _csv(path: Path) -> str:
    return (
        f"read_csv({_text(str(path))}, header = true, all_varchar = true, delim = ',', "
        "quote = '\"', escape = '\"')"
    )


def statements(folder: Path, instrument: Any = None) -> tuple[list[str], str, str]:
    """(statements preparing the latest sessions, meetings-by-month query, timing query)."""
    from widgets.analysis.timing_metrics import meeting_windows
    from widgets.apps.timing import DEFAULT_TOLERANCE, DEFAULT_WINDOW
    from widgets.instrument.yaml_loading import load_instrument

    instrument = instrument or load_instrument()
    windows = meeting_windows(DEFAULT_WINDOW)
    tolerance = DEFAULT_TOLERANCE
    timed = [(s.id, s.title) for s in instrument.form("meeting").sections if s.budget_seconds]

    # One pass over the file: one row per session, its keys and the few answers both
    # tables read, pivoted with FILTER (a number of seconds only when it is one, >= 0).
    seconds = []
    for section, _ in timed:
        for column in (f"{section}_seconds", f"{section}_budget_seconds"):
            number = "TRY_CAST(value AS DOUBLE)"
            seconds.append(
                f"max({number}) FILTER (WHERE item_id = {_text(column)} AND {number} >= 0) "
                f"AS {column}"
            )
    sessions = f"""
        CREATE TEMP TABLE sessions AS
        SELECT session_id,
               any_value(engagement_id) AS engagement_id,
               any_value(form) AS form,
               coalesce(trunc(TRY_CAST(any_value(meeting_number) AS DOUBLE)), 1)::BIGINT
                   AS meeting_number,
               coalesce(trunc(TRY_CAST(any_value(revision) AS DOUBLE)), 1)::BIGINT AS revision,
               TRY_CAST(any_value(recorded_at) AS TIMESTAMPTZ) AS recorded_at,
               max(value) FILTER (WHERE item_id = 'meeting_started_at') AS started,
               max(value) FILTER (WHERE item_id = 'meeting_date' AND form = 'checklist')
                   AS planned,
               {", ".join(seconds)}
        FROM {_csv(folder / "responses.csv")}
        GROUP BY session_id
    """
    latest = """
        CREATE TEMP TABLE latest AS
        SELECT * FROM sessions
        QUALIFY row_number() OVER (
            PARTITION BY engagement_id, form, meeting_number
            ORDER BY revision DESC, recorded_at DESC NULLS LAST, session_id DESC
        ) = 1
    """
    registry = f"""
        CREATE TEMP TABLE registry AS
        SELECT engagement_id,
               any_value(TRY_STRPTIME(start_date, '%Y-%m-%d')::DATE) AS start_date
        FROM {_csv(folder / "private" / "engagements.csv")}
        GROUP BY engagement_id
    """

    def day(column: str) -> str:
        return f"TRY_STRPTIME(substr({column}, 1, 10), '%Y-%m-%d')::DATE"

    # Whole engagement months from the start, as the kit counts them (relativedelta):
    # a month is whole once the start's day of month, clamped to the month's length,
    # has been reached.
    def months(s: str, d: str) -> str:
        return (
            f"(year({d}) - year({s})) * 12 + month({d}) - month({s}) + 1 - "
            f"CASE WHEN least(day({s}), day(last_day({d}))) > day({d}) THEN 1 ELSE 0 END"
        )

    positions = []
    for number, window in sorted(windows.items()):
        if window is None:
            positions.append(f"WHEN {number} THEN 'no_window'")
        else:
            positions.append(
                f"WHEN {number} THEN CASE WHEN meeting_month < {window.first_month} THEN "
                f"'early' WHEN meeting_month > {window.last_month} THEN 'late' "
                "ELSE 'in_window' END"
            )
    by_month = f"""
        WITH meetings AS (
            SELECT l.engagement_id, l.meeting_number,
                   bool_or(l.form = 'meeting') AS held,
                   max(CASE WHEN {day("l.started")} >= r.start_date
                       THEN {day("l.started")} END) AS started,
                   max(CASE WHEN {day("l.planned")} >= r.start_date
                       THEN {day("l.planned")} END) AS planned,
                   any_value(r.start_date) AS s
            FROM latest l JOIN registry r USING (engagement_id)
            GROUP BY l.engagement_id, l.meeting_number
        ),
        placed AS (
            SELECT meeting_number, held, {months("s", "coalesce(started, planned)")}
                   AS meeting_month
            FROM meetings WHERE coalesce(started, planned) IS NOT NULL
        ),
        counts AS (
            SELECT meeting_number, meeting_month,
                   count(*) FILTER (WHERE held) AS meetings,
                   count(*) FILTER (WHERE NOT held) AS planned_only
            FROM placed GROUP BY meeting_number, meeting_month
        )
        SELECT meeting_number, meeting_month, meetings,
               meetings / nullif(sum(meetings) OVER (PARTITION BY meeting_number), 0) AS share,
               planned_only,
               CASE meeting_number {" ".join(positions)} ELSE 'no_window' END AS timing
        FROM counts ORDER BY meeting_number, meeting_month
    """
    parts = " UNION ALL ".join(
        f"SELECT {position} AS position, {_text(section)} AS section, {_text(title)} AS title, "
        f"meeting_number, {section}_seconds AS actual, {section}_budget_seconds AS budget "
        f"FROM latest WHERE form = 'meeting' AND {section}_seconds IS NOT NULL"
        for position, (section, title) in enumerate(timed)
    )
    allowance = (
        f"CASE WHEN budget IS NULL THEN NULL ELSE "
        f"greatest({tolerance.share!r} * budget, {tolerance.min_seconds!r}) END"
    )
    timing = f"""
        WITH parts AS (SELECT *, {allowance} AS allowance FROM ({parts}))
        SELECT meeting_number, section, title, count(*) AS meetings,
               median(budget) AS budget_seconds, median(allowance) AS tolerance_seconds,
               avg(actual) AS mean_seconds, median(actual) AS median_seconds,
               avg(actual - budget) AS mean_over_seconds,
               count(*) FILTER (WHERE actual > budget + allowance) AS overruns,
               count(*) FILTER (WHERE actual > budget + allowance) / count(*) AS overrun_rate
        FROM parts GROUP BY position, section, title, meeting_number
        ORDER BY position, meeting_number
    """
    return [sessions, latest, registry], by_month, timing


def duckdb_tables(folder: Path, instrument: Any = None) -> dict[str, Any]:
    """meetings_by_month and section_timing of the store folder ``folder``, by DuckDB."""
    import duckdb

    prepare, by_month, timing = statements(folder, instrument)
    with duckdb.connect() as connection:
        for statement in prepare:
            connection.execute(statement)
        return {
            "meetings_by_month": connection.execute(by_month).df(),
            "section_timing": connection.execute(timing).df(),
        }
