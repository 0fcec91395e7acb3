"""The trainer's guided tour: one made-up coachee followed through every step, in the
real apps.

The tour runs in a training space like any trainee's (``&space=``, default ``tour``),
so each step's "Open this page" link opens the real app on the same folder and finds
the same coachee. The space is seeded once (:func:`ensure_samples`): a second viewer
opening the tour while it is presented changes nothing. The page is one cell and one
call; each step's app is built only when its step is chosen, so the tour opens in the
time of one page, and the training controls sit once, at the top.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from widgets.paths import space_slug
from widgets.shell.chrome import page_header
from widgets.shell.context import AppContext, app_context, space_dir
from widgets.shell.page import app_page
from widgets.shell.request import query_params
from widgets.shell.spaces import spaces_list_html
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.training.samples import TOUR_STAGE, ensure_samples

__all__ = ["TOUR_SPACE", "TourStep", "Walkthrough", "build_walkthrough", "start_walkthrough"]

TOUR_SPACE = "tour"
TOUR_ENGAGEMENTS = 80


@dataclass(frozen=True)
class TourStep:
    """One step: what to say about it, and the page it shows (notebook and query)."""

    key: str
    title: str
    text: str
    notebook: str
    meeting: int = 1
    view: str = ""
    live: bool = False


STEPS: tuple[TourStep, ...] = (
    TourStep(
        "home",
        "1. Every engagement",
        "A coach runs several engagements at once. The home page shows where each one "
        "stands and says when a meeting falls outside the recommended window (the second "
        "month, once trust exists and first goals are drafted). We follow {name}.",
        "home.ipynb",
    ),
    TourStep(
        "prep",
        "2. Checklist and preparation",
        "First {name} decides what success looks like and the ground rules, and books the "
        "prep session and the meeting. In the prep they capture what they want from the "
        "manager, how they want to be seen, what may be shared and what is off limits. "
        "{name} put this off limits: “{off_limits}”.",
        "prep.ipynb",
    ),
    TourStep(
        "meeting",
        "3. The meeting",
        "Thirty minutes, the coach facilitates: opening, strengths, deeper insights, "
        "optional goals, close. The card shows only what {name} agreed to share: "
        "“{off_limits}” is not on this screen. This meeting is over and shown as saved; "
        "{live} shows one under way, its clock running.",
        "meeting.ipynb",
    ),
    TourStep(
        "debrief",
        "4. Debrief",
        "Right after the manager leaves, 15 minutes: how {name} is doing, what stood out, "
        "what to do with it, and whether coaching priorities change.",
        "debrief.ipynb",
    ),
    TourStep(
        "summary",
        "5. Summary",
        "A one-page recap {name} approves line by line before it is downloaded: what they "
        "wanted, the strengths the manager described, the next steps.",
        "debrief.ipynb",
        view="summary",
    ),
    TourStep(
        "second",
        "6. A second meeting",
        "Later in the engagement, the same steps with another focus: progress, changes "
        "the manager has seen, a plan for after coaching. Each follow-up prompt shows "
        "what the manager said the first time.",
        "meeting.ipynb",
        meeting=2,
    ),
    TourStep(
        "analysis",
        "7. Why structured answers matter",
        "Every answer has a stable ID, so a program sees across many engagements when "
        "meetings happen, which parts overrun and how coachees feel afterwards, without "
        "reading anyone's notes. A made-up program of 80 engagements:",
        "analysis.ipynb",
    ),
)


class Walkthrough:
    """The tour page for one training space (see the module docstring)."""

    def __init__(self, context: AppContext):
        self.context = context
        self.root = context.root
        self._built: dict[str, w.Widget] = {}
        self._apps: list[object] = []  # meeting apps keep their clocks ticking
        self.samples = ensure_samples(self.root)
        # Writing the made-up program takes tens of seconds on a busy machine: start
        # it now, in the background, so it is ready when the presenter reaches it.
        self._program = threading.Thread(
            target=_write_tour_program, args=(self.root,), name="tour-program", daemon=True
        )
        self._program.start()
        self.chooser = w.ToggleButtons(options=[(s.title, s.key) for s in STEPS], value=None)
        self.chooser.add_class("kit-tour-steps")
        self.step_box = w.VBox()
        self.step_box.add_class("kit-tour-step")
        self.chooser.observe(lambda change: self.show(change["new"]), names="value")
        spaces = w.HTML(
            "<details class='kit-spaces'><summary>Spaces in this workshop (for the "
            f"trainer)</summary>{spaces_list_html(context, 'home.ipynb')}</details>"
        )
        self.widget = w.VBox(
            [
                page_header(
                    "The manager alignment meeting: a guided tour",
                    "The meeting belongs to the coachee: they decide what it is for and what "
                    "may be shared. The coach helps them prepare, facilitates and debriefs; "
                    "the manager gives their view within the limits the coachee set. Choose "
                    "a step; each opens the real page for the same made-up coachee.",
                    context,
                    on_data_changed=self.refresh,
                ),
                spaces,
                self.chooser,
                self.step_box,
            ]
        )
        self.widget.add_class("kit-app")
        self.widget.add_class("kit-tour")
        self.chooser.value = STEPS[0].key

    @property
    def coachee_id(self) -> str:
        return self.samples[TOUR_STAGE]

    def _name(self, engagement_id: str) -> str:
        try:
            return EngagementRegistry(self.root).get(engagement_id).first_name
        except LookupError:
            return "the coachee"

    def _off_limits(self) -> str:
        prep = ResponseStore(self.root).latest(self.coachee_id, "prep", 1)
        return prep.values().get("off_limits", "") if prep is not None else ""

    def link(self, step: TourStep) -> str:
        """The real page of a step, in this tour's space, for the tour's coachee."""
        if step.key in {"home", "analysis"}:  # pages of the whole space
            return self.context.link(step.notebook)
        return self.context.link(
            step.notebook, engagement=self.coachee_id, meeting=step.meeting, view=step.view
        )

    def _live_link(self) -> str:
        eid = self.samples["meeting_live"]
        link = self.context.link("meeting.ipynb", engagement=eid, meeting=1)
        return f"<a class='kit-tour-live' href='{html.escape(link)}'>{self._name(eid)}</a>"

    def _text(self, step: TourStep) -> str:
        text = html.escape(step.text).format(
            name=html.escape(self._name(self.coachee_id)),
            off_limits=html.escape(self._off_limits()),
            live="{live}",
        )
        return text.replace("{live}", self._live_link())

    def _app(self, step: TourStep) -> w.Widget:
        params = {
            "training": "1",
            "space": self.context.space,
            "embedded": "1",
            "engagement": self.coachee_id,
            "meeting": str(step.meeting),
        }
        if step.view:
            params["view"] = step.view
        if self.context.present:  # the step's own links keep projector view
            params["present"] = "1"
        builders: dict[str, Callable[[], w.Widget]] = {
            "home": lambda: _home(self.root, params),
            "prep": lambda: _prep(self.root, params),
            "meeting": lambda: self._meeting(params),
            "second": lambda: self._meeting(params),
            "debrief": lambda: _debrief(self.root, params),
            "summary": lambda: _debrief(self.root, params),
            "analysis": self._analysis,
        }
        return builders[step.key]()

    def _analysis(self) -> w.Widget:
        from widgets.analysis.dashboard import AnalysisApp, load_analysis_data

        self._program.join()
        _wait_for_program(self.root)
        data = load_analysis_data(_program_dir(self.root), where="the tour's made-up program")
        return AnalysisApp(data, plain=True)  # trainees read it: tables in plain words

    def _meeting(self, params: dict[str, str]) -> w.Widget:
        from widgets.apps.meeting.app import MeetingApp

        app = MeetingApp(root=self.root, params=params)
        self._apps.append(app)
        return app.widget

    def show(self, key: str | None) -> None:
        """Show one step, building its app the first time it is chosen."""
        step = next((s for s in STEPS if s.key == key), None)
        if step is None:
            self.step_box.children = []
            return
        if key not in self._built:
            intro = w.HTML(
                f"<h3>{html.escape(step.title)}</h3><p class='kit-tour-text'>{self._text(step)}"
                f"</p><p><a class='kit-tour-open kit-tour-open-{step.key}' "
                f"href='{html.escape(self.link(step))}' target='_blank'>Open this page</a></p>"
            )
            self._built[step.key] = w.VBox([intro, self._app(step)])
        self.step_box.children = [self._built[step.key]]

    def refresh(self) -> None:
        """After Load or Reset in the banner: seed again if emptied, rebuild the steps."""
        self.samples = ensure_samples(self.root)
        self._built.clear()
        self.show(self.chooser.value)


def _home(root: Path, params: dict[str, str]) -> w.Widget:
    from widgets.apps.home import HomeApp

    return HomeApp(root=root, params=params).widget


def _prep(root: Path, params: dict[str, str]) -> w.Widget:
    from widgets.apps.prep import PrepApp

    return PrepApp(root=root, params=params).widget


def _debrief(root: Path, params: dict[str, str]) -> w.Widget:
    from widgets.apps.debrief import DebriefApp

    return DebriefApp(root=root, params=params).widget


def _program_dir(root: Path) -> Path:
    return root / "program"


def _write_tour_program(root: Path) -> None:
    """A made-up program, written once per space (a folder of kit data inside it).

    The folder is claimed by creating it, so of several viewers' kernels opening the
    tour at once only one writes; the others wait for its codebook (written last).
    """
    from widgets.training.demo import write_program

    program = _program_dir(root)
    try:
        os.mkdir(program, 0o700)
    except FileExistsError:
        return
    write_program(program, TOUR_ENGAGEMENTS, seed=7)


def _wait_for_program(root: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not (_program_dir(root) / "codebook.csv").exists() and time.monotonic() < deadline:
        time.sleep(0.5)  # another kernel is writing it


def _tour_params(params: dict[str, str] | None) -> dict[str, str]:
    given = dict(query_params() if params is None else params)
    given["training"] = "1"  # the tour is always made-up data
    if not space_slug(given.get("space", "")):
        given["space"] = TOUR_SPACE
    return given


def build_walkthrough(*, params: dict[str, str] | None = None) -> w.Widget:
    """The tour page for the page's query string (or ``params``)."""
    return app_page(lambda context: Walkthrough(context).widget, params=_tour_params(params))


def start_walkthrough(root: Path | None = None) -> Walkthrough:
    """The tour as an object (for JupyterLab and tests), in ``root`` or the tour space."""
    context = app_context({"training": "1", "space": TOUR_SPACE})
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
        context = app_context({"training": "1", "space": TOUR_SPACE}, root=root)
    else:
        space_dir(TOUR_SPACE)
    return Walkthrough(context)
