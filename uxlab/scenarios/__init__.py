"""Scenario files: YAML -> validated, frozen :class:`Scenario` objects (the format is in the README).

Pure: imports neither Flask, nor a database, nor Playwright (import-linter checks it).

- ``reader``: YAML nodes with line numbers, and the collector of problems;
- ``scalars``: scalars to values (a date stays text but in ``close_at``), and why one cannot be built;
- ``schema``, ``site``, ``probing``: the frozen dataclasses (``Scenario``, ``TaskSpec``,
  ``Criterion``, ``Site``, ``ProbeSpec``, ...) and their stored form (``to_dict``/``from_dict``);
- ``stored``: checked reading of the stored form (what a study version holds);
- ``fields``, ``site_section``, ``tasks``, ``probe``: parsing of the top-level fields, the site,
  the tasks, the probe section;
- ``rules``: checks shared by the parsers and by judging (globs, selectors, answers);
- ``scales``: the answer scales of SEQ and the questionnaires;
- ``syntax``, ``syntax_field``: text YAML cannot read, refused at the line where the problem is
  and the field that line is in;
- ``loader``: ``load``/``loads``/``check_files``, the public entry points re-exported here;
- ``lines``: where a field is written, for problems found after reading (``check --live``).
"""

from uxlab.scenarios.lines import line_of
from uxlab.scenarios.loader import check_files, load, loads, path_warnings, scenario_paths
from uxlab.scenarios.probing import BUDGET_METRICS, BUILTIN_PROFILES, Budget, ProbePage, ProbeSpec, Profile
from uxlab.scenarios.rules import check_selector, normalize_answer
from uxlab.scenarios.schema import CRITERION_KINDS, STAGES, Criterion, Scenario, Step, TaskSpec
from uxlab.scenarios.site import Site

__all__ = [
    "BUDGET_METRICS",
    "BUILTIN_PROFILES",
    "CRITERION_KINDS",
    "STAGES",
    "Budget",
    "Criterion",
    "ProbePage",
    "ProbeSpec",
    "Profile",
    "Scenario",
    "Site",
    "Step",
    "TaskSpec",
    "check_files",
    "check_selector",
    "line_of",
    "load",
    "loads",
    "normalize_answer",
    "path_warnings",
    "scenario_paths",
]
