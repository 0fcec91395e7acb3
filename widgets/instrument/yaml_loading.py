"""Reading the instrument folder: safe YAML, one refusal message per problem, a cached load.

A coach or a program manager edits these files by hand, so a mistake must come back as
one plain line naming the file, the item and the problem (``prep.yaml: item 'asks'
(section 'asks'): type 'several' needs a non-empty 'choices' list``), never as a pydantic
traceback, and a key given twice must be refused rather than silently overwritten.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError, field_validator

from widgets.errors import SettingsError
from widgets.instrument.instrument import MANIFEST, Instrument
from widgets.instrument.items import Item
from widgets.instrument.model import Form, Section
from widgets.instrument.rules import FrozenModel, check_id, check_version

__all__ = ["DEFAULT_INSTRUMENT_DIR", "InstrumentError", "load_instrument", "read_yaml"]

DEFAULT_INSTRUMENT_DIR = Path(__file__).resolve().parent / "data"


class InstrumentError(SettingsError, ValueError):
    """The instrument files cannot be used; the message says which file, where, and why."""


class _Manifest(FrozenModel):
    version: str
    forms: tuple[str, ...]

    @field_validator("version")
    @classmethod
    def _version_format(cls, value: str) -> str:
        return check_version(value)

    @field_validator("forms")
    @classmethod
    def _form_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            check_id(name, "form id")
        repeated = sorted({n for n in value if value.count(n) > 1})
        if repeated:
            raise ValueError(f"'forms' lists {repeated} more than once")
        return value


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses repeated keys, which PyYAML would silently overwrite."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            first = seen.get(key)
        except TypeError:  # unhashable key: let PyYAML report it
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first given on line {first + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_yaml(path: Path, error: type[ValueError] = ValueError) -> dict[str, Any]:
    """A YAML file's top-level mapping, read safely; problems raise ``error`` naming the file.

    Repeated keys are refused. Other kit data files written by hand (sample answers for
    demos) use it too, with their own error type.
    """
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{name}: file not found in {path.parent}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{name}: cannot be read ({exc})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(f"{name}: YAML syntax error{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{name}: YAML syntax error: {exc}") from None
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        raise error(f"{name}: expected a mapping of keys at the top, got {got}")
    return data


# ---------------------------------------------------------------------- messages


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or field for field, info in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel], path: Sequence[Any]) -> type[BaseModel]:
    """The model that a key path inside ``model`` lands in (for "did you mean" hints)."""
    for part in path:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        inner = _model_in(info.annotation) if info is not None else None
        if inner is None:
            break
        model = inner
    return model


def _path_text(parts: Sequence[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _label(kind: str, node: Any, index: int) -> str:
    if isinstance(node, dict) and isinstance(node.get("id"), str):
        return f"{kind} {node['id']!r}"
    return f"{kind} #{index + 1}"


def _pick(container: Any, key: str, index: Any) -> Any:
    if isinstance(container, dict):
        seq = container.get(key)
        if isinstance(seq, list) and isinstance(index, int) and 0 <= index < len(seq):
            return seq[index]
    return None


def _describe_error(error: Mapping[str, Any], raw: Any) -> str:
    """Turn one pydantic error into 'item 'x' (section 'y'): problem' using the raw YAML."""
    loc = tuple(error.get("loc", ()))
    where = ""
    model: type[BaseModel] = Form
    rest = loc
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        section_raw = _pick(raw, "sections", loc[1])
        section_label = _label("section", section_raw, loc[1])
        where, model, rest = section_label, Section, loc[2:]
        if len(loc) >= 4 and loc[2] == "items" and isinstance(loc[3], int):
            item_raw = _pick(section_raw, "items", loc[3])
            where = f"{_label('item', item_raw, loc[3])} ({section_label})"
            model, rest = Item, loc[4:]

    kind = error.get("type", "")
    field = rest[-1] if rest else None
    if kind == "extra_forbidden" and isinstance(field, str):
        allowed = _allowed_keys(_model_at(model, rest[:-1]))
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
        inside = f" in {_path_text(rest[:-1])!r}" if rest[:-1] else ""
        problem = f"unknown key {field!r}{inside} ({hint})"
    elif kind == "missing" and isinstance(field, str):
        inside = f" in {_path_text(rest[:-1])!r}" if rest[:-1] else ""
        problem = f"missing key {field!r}{inside}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        inside = f"{_path_text(rest)!r}: " if rest else ""
        problem = f"{inside}expected a mapping of keys, got {error.get('input')!r:.60}"
    else:
        ctx = error.get("ctx") or {}
        if kind == "value_error" and "error" in ctx:
            problem = str(ctx["error"])
        else:
            shown = repr(error.get("input"))
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            problem = f"{error.get('msg', 'invalid value')} (got {shown})"
        if rest and not problem.startswith(f"'{field}'"):
            problem = f"{_path_text(rest)!r}: {problem}"
        elif rest[:-1]:  # the problem names its key; say what the key is inside
            problem = f"{_path_text(rest[:-1])!r}: {problem}"
    return f"{where}: {problem}" if where else problem


_NAMES_A_FILE = re.compile(r"^[a-z][a-z0-9_]*\.yaml: ")


def _refuse(exc: ValidationError, file_name: str, raw: Any) -> InstrumentError:
    # Cross-form problems already name the form file they are about; keep that one.
    problems = [_describe_error(err, raw) for err in exc.errors()]
    lines = [p if _NAMES_A_FILE.match(p) else f"{file_name}: {p}" for p in problems]
    return InstrumentError("\n".join(lines))


# ---------------------------------------------------------------------- loading


def _load(directory: Path) -> Instrument:
    if not directory.is_dir():
        raise InstrumentError(f"{MANIFEST}: instrument folder {directory} does not exist")
    manifest_raw = read_yaml(directory / MANIFEST, InstrumentError)
    try:
        manifest = _Manifest.model_validate(manifest_raw)
    except ValidationError as exc:
        raise _refuse(exc, MANIFEST, None) from None

    forms: dict[str, Form] = {}
    for form_id in manifest.forms:
        path = directory / f"{form_id}.yaml"
        if not path.is_file():
            raise InstrumentError(
                f"{MANIFEST}: form {form_id!r} is listed but {path.name} is missing "
                f"from {directory}"
            )
        raw = read_yaml(path, InstrumentError)
        try:
            form = Form.model_validate(raw)
        except ValidationError as exc:
            raise _refuse(exc, path.name, raw) from None
        if form.id != form_id:
            raise InstrumentError(
                f"{path.name}: says 'form: {form.id}', but the file is listed as {form_id!r}; "
                "the form id must match the file name"
            )
        forms[form_id] = form

    try:
        return Instrument(version=manifest.version, forms=forms)
    except ValidationError as exc:
        raise _refuse(exc, MANIFEST, None) from None


@functools.lru_cache(maxsize=1)
def _load_default() -> Instrument:
    return _load(DEFAULT_INSTRUMENT_DIR)


def load_instrument(directory: Path | None = None) -> Instrument:
    """Load and check the instrument.

    The packaged instrument is parsed once per process (each Voila kernel would otherwise
    re-read five YAML files per form it builds); an explicit folder is always read fresh,
    so tests and trainers can point at edited copies.
    """
    if directory is None:
        return _load_default()
    return _load(Path(directory))
