"""Scenario files: the format, its error messages, the matching rules, and the docs' examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uxlab import scenarios
from uxlab.cli import cli
from uxlab.errors import ScenarioError
from uxlab.scenarios import BUILTIN_PROFILES, Criterion, ProbePage, Profile, Scenario, Site

ROOT = Path(__file__).resolve().parents[2]
BROKEN = sorted((ROOT / "tests" / "scenarios" / "broken").glob("*.yaml"))
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.y*ml"))
EXPECT_RE = re.compile(r"^# expect: (\d+) (\S+) \| (.+)$")

FRAGMENTS = [
    "  - ",
    "x: [",
    "}",
    "    stage: 7",
    "tasks: {}",
    "probe: {runs: 2.5}",
    "\t",
    "'",
    "  :",
    "&a *a",
]


def _nested(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    keys = st.sampled_from(["id", "url", "click", "answer", "accepted", "path", "metric", "runs", "x"])
    return st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3)


MINIMAL = """\
slug: mini
title: Minimal
consent: You agree.
site: {base_url: /demo}
tasks:
  - id: one
    prompt: Find the helpdesk portal.
    success: {url: /support/helpdesk}
    stage: retention
"""


def test_demo_study_has_one_task_per_criterion_kind() -> None:
    study = scenarios.load(ROOT / "scenarios" / "helpdesk.yaml")
    assert study.slug == "helpdesk"
    assert len(study.tasks) >= 4
    assert study.tasks[0].id == "find-helpdesk"
    assert "helpdesk portal" in study.tasks[0].prompt
    assert {t.success.kind for t in study.tasks} == {"url", "click", "answer", "self_report"}
    assert study.task("find-helpdesk").success.matches_path("/support/helpdesk")
    assert study.task("open-ticket").success.selector == "#open-ticket"
    assert study.task("open-ticket").start == "/"
    hotline = study.task("find-hotline").success
    assert all(hotline.matches_answer(a) for a in ("+1 555 0100", "555 0100", "+15550100", "(555) 0100"))
    assert not hotline.matches_answer("555 0101")
    assert study.probe is not None and study.probe.runs == 3
    assert study.probe.profiles == ("desktop", "mobile")


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_scenario_file_loads(path: Path) -> None:
    study = scenarios.load(path)
    assert Scenario.from_dict(study.to_dict()) == study


def test_there_are_at_least_ten_distinct_broken_files() -> None:
    headers = [EXPECT_RE.match(p.read_text().splitlines()[0]) for p in BROKEN]
    reasons = {(h.group(2), h.group(3)) for h in headers if h}
    assert len(BROKEN) >= 10
    assert len(reasons) == len(BROKEN), "two broken files test the same field and message"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_is_refused_naming_file_line_and_field(path: Path) -> None:
    header = EXPECT_RE.match(path.read_text().splitlines()[0])
    assert header, f"{path.name} lacks its '# expect: LINE FIELD | message' header"
    line, field, fragment = int(header.group(1)), header.group(2), header.group(3)
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert error.message.startswith(f"{path}:{line}: {field}: ")
    assert fragment in error.message


def test_unreadable_file_is_refused_with_its_name(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError, match=r"nope\.yaml: \(file\): cannot read the file"):
        scenarios.load(missing)


def test_defaults_and_normalized_values() -> None:
    study = scenarios.loads(MINIMAL)
    assert (study.language, study.randomize_tasks, study.questionnaires) == ("", False, ())
    assert (study.ces_version, study.free_text, study.probe) == ("2.0", None, None)
    task = study.tasks[0]
    assert (task.start, task.time_limit_s, task.target_time_s, task.touchpoint) == ("/", 300.0, None, "")
    text = MINIMAL.replace("    stage:", "    start: /support/../products/\n    stage:")
    text = text.replace("{url: /support/helpdesk}", "{self_report: true}") + "ces_version: 1.0\n"
    other = scenarios.loads(text)
    assert other.tasks[0].start == "/products/"
    assert other.tasks[0].success == Criterion("self_report")
    assert other.ces_version == "1.0"


def test_content_hash_ignores_comments_and_layout() -> None:
    reformatted = "# a comment\n" + MINIMAL.replace(
        "site: {base_url: /demo}", "site:\n  base_url: /demo  # here"
    )
    assert scenarios.loads(reformatted).content_hash() == scenarios.loads(MINIMAL).content_hash()
    edited = MINIMAL.replace("Find the helpdesk portal.", "Find the helpdesk.")
    assert scenarios.loads(edited).content_hash() != scenarios.loads(MINIMAL).content_hash()


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/support/helpdesk", "/support/helpdesk", True),
        ("/support/helpdesk", "/support/helpdesk/", True),
        ("/support/helpdesk", "/support/helpdesk?ref=nav#top", True),
        ("/support/helpdesk", "/support/helpdesk/new-ticket", False),
        ("/support/helpdesk", "/support", False),
        ("/products/*", "/products/router-x200", True),
        ("/products/*", "/products/router-x200/reviews", False),
        ("/products/**", "/products/router-x200/reviews", True),
        ("/search?q=*", "/search?q=router", True),
        ("/search?q=*", "/search", False),
        ("/a.b", "/aXb", False),
    ],
)
def test_url_glob(pattern: str, path: str, expected: bool) -> None:
    assert Criterion("url", pattern=pattern).matches_path(path) is expected


def test_url_regex_matches_path_and_query_only_when_asked() -> None:
    helpdesk = Criterion("url", pattern=r"^/support/helpdesk/?$", is_regex=True)
    assert helpdesk.matches_path("/support/helpdesk/?x=1")
    assert not helpdesk.matches_path("/support/helpdesk/new-ticket")
    query = Criterion("url", pattern=r"^/search\?q=router", is_regex=True)
    assert query.matches_path("/search?q=router-x200")
    assert not query.matches_path("/search?q=modem")
    assert not Criterion("click", selector="#x").matches_path("/")


def test_click_and_answer_rules() -> None:
    click = Criterion("click", selector="#open-ticket")
    assert click.matches_click(["button", "#open-ticket"])
    assert not click.matches_click(["#open-ticket-2"])
    answer = Criterion("answer", question="How long?", accepted=("3 years", "three years"))
    assert answer.matches_answer("  THREE Years. ")
    assert answer.matches_answer("3years")
    assert not answer.matches_answer("")
    assert not answer.matches_answer("30 years")


def test_site_on_this_server() -> None:
    site = Site("/demo")
    assert (
        site.relative_path("http://127.0.0.1:5000/demo/support/helpdesk?a=1#top") == "/support/helpdesk?a=1"
    )
    assert site.relative_path("/demo") == "/"
    assert site.relative_path("/demonstration") is None
    assert site.relative_path("/s/helpdesk") is None
    assert site.relative_path("http://evil.test/demo/", server_origin="http://127.0.0.1:5000") is None
    assert site.url_for("/support", "http://127.0.0.1:5000/") == "http://127.0.0.1:5000/demo/support"
    assert site.url_for("/") == "/demo"  # the base as written: /demo redirects to /demo/
    assert Site("/demo/products").url_for("/?a=1") == "/demo/products?a=1"
    assert Site("/demo/").url_for("/") == "/demo/"
    assert site.allowed_origins("http://127.0.0.1:5000") == ("http://127.0.0.1:5000",)


def test_site_elsewhere() -> None:
    site = Site("https://Shop.Example.com/store/", ("https://cdn.example.com",))
    assert site.origin == "https://shop.example.com"
    assert site.relative_path("https://shop.example.com/store/cart") == "/cart"
    assert site.relative_path("https://shop.example.com/other") is None
    assert site.relative_path("http://shop.example.com/store/cart") is None
    assert site.url_for("/cart") == "https://Shop.Example.com/store/cart"
    assert site.allowed_origins("http://uxlab.test") == (
        "https://shop.example.com",
        "https://cdn.example.com",
    )


def test_probe_section_profiles_and_budgets() -> None:
    text = MINIMAL + (
        "probe:\n"
        "  runs: 5\n"
        "  profiles: [mobile, slow-tablet]\n"
        "  profile_defs:\n"
        "    slow-tablet: {width: 800, height: 1280, cpu_slowdown: 2, rtt_ms: 300, mobile: true}\n"
        "  pages:\n"
        "    - /\n"
        "    - {path: /products, budgets: [{metric: lcp_ms, max: 4000, aggregate: pessimistic}]}\n"
        "  budgets:\n"
        "    - {metric: lcp_ms, max: 2500}\n"
        "    - {metric: score, min: 0.9, level: warn}\n"
    )
    probe = scenarios.loads(text).probe
    assert probe is not None and probe.runs == 5
    tablet = Profile(800, 1280, 2.0, 300.0, 0.0, 0.0, True, name="slow-tablet")
    assert probe.resolved_profiles() == (BUILTIN_PROFILES["mobile"], tablet)
    # docs/METRICS.md, "Profiles": mobile 412x823, 4x CPU, 150 ms RTT, 1.6 Mbps down, 750 kbps up.
    assert BUILTIN_PROFILES["mobile"] == Profile(412, 823, 4.0, 150.0, 1600.0, 750.0, True, "mobile")
    assert BUILTIN_PROFILES["desktop"] == Profile(1350, 940, name="desktop")
    home, products = probe.pages
    assert home == ProbePage("/")
    assert [(b.metric, b.max, b.aggregate) for b in probe.budgets_for(products)] == [
        ("score", None, "median"),
        ("lcp_ms", 4000.0, "pessimistic"),
    ]
    assert [b.level for b in probe.budgets_for(home)] == ["error", "warn"]
    assert probe.budgets[1].passes(0.95) and not probe.budgets[1].passes(0.85)


@pytest.mark.parametrize(
    "selector",
    ["#open-ticket", "nav a[href$='/support']", "a:has(> img)", "li:nth-child(2n+1) > a", '[data-x="a:b"]'],
)
def test_valid_selectors(selector: str) -> None:
    assert scenarios.check_selector(selector) is None


@pytest.mark.parametrize(
    "selector", ["", "a[href", "div >", "text=Help", "a::before", "a:contains(x)", "##x"]
)
def test_invalid_selectors(selector: str) -> None:
    assert scenarios.check_selector(selector)


def _readme_scenario_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"<!-- section: scenarios -->(.*?)<!-- /section: scenarios -->", readme, re.S)
    assert section, "README lacks the scenarios section"
    return re.findall(r"```yaml\n(.*?)```", section.group(1), re.S)


def test_readme_scenario_examples_load() -> None:
    examples = _readme_scenario_examples()
    assert examples
    for i, text in enumerate(examples):
        scenarios.loads(text, f"README.md yaml example {i + 1}")


def test_readme_field_table_names_every_key() -> None:
    from uxlab.scenarios.loader import TOP_KEYS
    from uxlab.scenarios.probe import BUDGET_KEYS, PROBE_KEYS, PROFILE_KEYS
    from uxlab.scenarios.tasks import SUCCESS_KEYS, TASK_KEYS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: scenarios -->")[1].split("<!-- /section: scenarios -->")[0]
    for key in (*TOP_KEYS, *TASK_KEYS, *SUCCESS_KEYS, *PROBE_KEYS, *PROFILE_KEYS, *BUDGET_KEYS):
        pattern = rf"`[^`\n]*(?<![\w-]){re.escape(key)}(?![\w-])[^`\n]*`"
        assert re.search(pattern, section), f"README's scenario tables do not mention {key}"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_edit_of_the_demo_file_loads_or_is_refused_cleanly(data: st.DataObject) -> None:
    lines = (ROOT / "scenarios" / "helpdesk.yaml").read_text(encoding="utf-8").splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    end = data.draw(st.integers(start, min(len(lines), start + 3)))
    filler = data.draw(st.lists(st.sampled_from(FRAGMENTS), max_size=3))
    text = "\n".join(lines[:start] + filler + lines[end:])
    try:
        scenarios.loads(text, "fuzzed.yaml")
    except ScenarioError as error:
        assert error.message.startswith("fuzzed.yaml:") and error.field


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8), _nested))
def test_any_data_loads_or_is_refused_cleanly(data: object) -> None:
    base = scenarios.loads(MINIMAL).to_dict()
    key = sorted(base)[hash(repr(data)) % len(base)]
    for target in (data, {**base, key: data}, {**base, "tasks": [data]}):
        try:
            Scenario.from_dict(target)  # type: ignore[arg-type]
        except ScenarioError as error:
            assert error.field


def test_check_files_expands_folders_and_refuses_a_slug_twice(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.yml").write_text("# the same study again\n" + MINIMAL, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    (a, first), (b, second) = scenarios.check_files([tmp_path])
    assert (a.name, b.name) == ("a.yaml", "b.yml") and isinstance(first, Scenario)
    assert isinstance(second, ScenarioError) and second.message.split(" (")[0] == (
        f"{tmp_path / 'b.yml'}:2: slug: 'mini' is also the slug of {tmp_path / 'a.yaml'}"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScenarioError, match="no scenario files here"):
        scenarios.check_files([empty])


def test_stored_form_round_trips_with_optional_fields_left_out() -> None:
    # Found in review: to_dict writes omitted optional fields as "" / None, which
    # from_dict refused ("product_name: is empty"), so such studies could not be opened.
    minimal = """
slug: minimal
title: Minimal
language: en
consent: ok
site: {base_url: /demo}
tasks:
  - id: a
    prompt: do it
    start: /
    success: self_report
    stage: awareness
"""
    scenario = scenarios.loads(minimal)
    assert Scenario.from_dict(scenario.to_dict()) == scenario


TWO_BROKEN_TASKS = """\
slug: Bad Slug
title: Four problems
consent: You agree.
site: {base_url: /demo}
questionnaires: [sus, nps]
tasks:
  - id: one
    prompt: Find it.
    success: {url: /support}
    stage: nowhere
  - id: two
    success: {url: /x}
    stage: retention
"""


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "four.yaml"
    path.write_text(TWO_BROKEN_TASKS, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    found = [(p.line, p.field) for p in caught.value.problems()]
    assert found == [(1, "slug"), (5, "product_name"), (10, "tasks[0].stage"), (11, "tasks[1].prompt")]
    result = CliRunner().invoke(cli, ["scenarios", "check", str(path)])
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in result.output.splitlines()[:4]] == [f for _, f in found]
    assert "1 scenario file(s) refused; nothing stored" in result.output
