"""``make report``: the analysis as one HTML file that opens anywhere, offline.

An analyst sends this file to people who will never open JupyterLab, so it stands on
its own: the charts are inline SVG and every table's CSV is inside the page, with no
code cell, no prompt, and none of the scripts the stock page fetches from the network
(require.js, MathJax, the widget manager), since the report holds no live widget. The
note names the folders, not their paths on the analyst's disk.

Sources that cannot make a report fail before the notebook runs, with one sentence and
exit status 2, never a traceback: a folder that does not exist, one with no responses
(the dashboard would show its made-up demonstration program instead, which must never
be sent as a program's figures), a folder loaded together with its own export.

    .venv/bin/python -m widgets.analysis.report_file --out reports/report.html [FOLDER ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import warnings
from pathlib import Path

from widgets.errors import KitError

__all__ = ["NOTEBOOK", "ReportError", "check_sources", "main", "write_report"]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "analysis.ipynb"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class ReportError(KitError):
    """The report cannot be made from these sources; the message says why and what to do."""


def check_sources(sources: list[Path]) -> None:
    """Raise :class:`ReportError` unless ``sources`` hold responses the report can show."""
    from widgets.analysis.long_table import load_responses
    from widgets.analysis.sources import LoaderError
    from widgets.analysis.validation import InvalidValuesWarning

    # A full load, which the notebook then repeats (through the parse cache where the
    # folder allows one): only a load tells an empty folder or a folder with its own
    # export, and a report is made rarely, so refusing early is worth the seconds.
    for source in sources:
        if not source.exists():
            raise ReportError(f"{source} does not exist: nothing to report from it.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InvalidValuesWarning)  # the report says it
            long = load_responses(*sources)
    except LoaderError as exc:
        raise ReportError(str(exc)) from None
    if not len(long):
        named = ", ".join(str(source) for source in sources)
        raise ReportError(
            f"No responses in {named}: nothing to report. Name the folders that hold "
            'the coaches\' responses.csv, e.g. make report DATA="coach-a/exports coach-b/exports".'
        )


def write_report(out: Path, sources: list[Path]) -> Path:
    """Run the analysis notebook on ``sources`` and write it to ``out`` as one offline file."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    from widgets.analysis.dashboard import REPORT_SOURCES_ENV

    check_sources(sources)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    before = os.environ.get(REPORT_SOURCES_ENV)
    os.environ[REPORT_SOURCES_ENV] = " ".join(str(source.resolve()) for source in sources)
    try:
        client = NotebookClient(
            notebook,
            timeout=600,
            store_widget_state=False,
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        # The kernel's own start-up chatter is not the analyst's business; an error in
        # the notebook still ends the run, as CellExecutionError with its traceback.
        client.execute(stderr=subprocess.DEVNULL)
    finally:
        if before is None:
            os.environ.pop(REPORT_SOURCES_ENV, None)
        else:
            os.environ[REPORT_SOURCES_ENV] = before
    # The live app's output is a widget view with its text repr as fallback; with no
    # widget state in the file only that repr would show: the static copy is the report.
    for cell in notebook.cells:
        if cell.get("outputs"):
            cell.outputs = [
                output for output in cell.outputs if _WIDGET_VIEW not in output.get("data", {})
            ]
    exporter = HTMLExporter(
        template_name="kit_report",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    sheet = Path(__file__).resolve().parents[1] / "shell" / "assets" / "analysis.css"
    body, _resources = exporter.from_notebook_node(
        notebook, resources={"kit_css": sheet.read_text(encoding="utf-8")}
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """The command line: exit 0 with the file written, 2 with one sentence saying why not."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("reports/report.html"))
    parser.add_argument("sources", nargs="*", type=Path, help="data folders (default: the kit's)")
    args = parser.parse_args(argv)
    try:
        if args.sources:
            sources = list(args.sources)
        else:
            from widgets.paths import exports_dir

            sources = [exports_dir()]
        written = write_report(args.out, sources)
    except KitError as exc:
        print(f"No report written: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
