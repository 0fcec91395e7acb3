"""The trainer's guided tour: each step of the process shown in its real app.

The tour runs in its own training folder (``<training>/walkthrough``), emptied and
filled with fresh sample engagements each time it starts, so the meeting shown
"half-way through" really has its clock running and nothing touches program data.
The notebook only calls these methods; what each step means is told in its
markdown cells.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from widgets.shell.context import mark_training_folder, reset_training, training_dir
from widgets.training.samples import SampleEngagement, load_samples

__all__ = ["Walkthrough", "start_walkthrough"]

TOUR_ENGAGEMENTS = 80


class Walkthrough:
    """Sample engagements at every stage, and the app page for each step of the tour."""

    def __init__(self, root: Path | None = None):
        self.root = root or training_dir() / "walkthrough"
        self.root.mkdir(parents=True, exist_ok=True)
        mark_training_folder(self.root)
        reset_training(self.root)
        self.samples: dict[str, SampleEngagement] = {s.stage: s for s in load_samples(self.root)}
        self._apps: list[object] = []

    def _params(self, stage: str, meeting: int = 1) -> dict[str, str]:
        engagement = self.samples[stage].engagement
        return {"engagement": engagement.engagement_id, "meeting": str(meeting), "training": "1"}

    def overview(self) -> w.Widget:
        """The coach's home page: every sample engagement and where it stands."""
        from widgets.apps.home import build_home_app

        return build_home_app(root=self.root, params={"training": "1"})

    def preparation(self) -> w.Widget:
        """The prep app for a coachee whose checklist and prep are already saved."""
        from widgets.apps.prep import PrepApp

        return PrepApp(root=self.root, params=self._params("prepared")).widget

    def meeting(self) -> w.Widget:
        """The live meeting, half-way through the strengths part, clock running."""
        from widgets.apps.meeting.app import MeetingApp

        app = MeetingApp(root=self.root, params=self._params("meeting_live"))
        self._apps.append(app)
        return app.widget

    def debrief(self) -> w.Widget:
        """The debrief of a meeting already held (its answers saved), and its summary."""
        from widgets.apps.debrief import build_debrief_app

        params = {**self._params("debriefed"), "view": "summary"}
        return build_debrief_app(root=self.root, params=params)

    def second_meeting(self) -> w.Widget:
        """A second meeting: follow-up prompts beside what the manager said in meeting 1."""
        from widgets.apps.meeting.app import MeetingApp

        app = MeetingApp(root=self.root, params=self._params("second_meeting", meeting=2))
        self._apps.append(app)
        return app.widget

    def analysis(self, engagements: int = TOUR_ENGAGEMENTS) -> w.Widget:
        """Program analysis of a made-up program: why structured answers matter."""
        from widgets.analysis.dashboard import AnalysisApp, load_analysis_data
        from widgets.training.demo import write_program

        program = self.root / "program"
        write_program(program, engagements, seed=7)
        return AnalysisApp(load_analysis_data(program))


def start_walkthrough(root: Path | None = None) -> Walkthrough:
    """Begin the tour with fresh sample engagements."""
    return Walkthrough(root)
