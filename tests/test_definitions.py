"""Workflow definitions: the bundled ones load, and each kind of mistake is reported as
``file:line: message`` by the loader and by `consult workflows check`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from consult.cli import main
from consult.config import ROOT
from consult.workflow.duration import Duration
from consult.workflow.loader import load_definition
from tests.files import errors_of, line_of, variant

BUNDLED = ROOT / "workflows" / "qcdc-ubnd-xa.yaml"


def test_bundled_definitions_load_with_their_legal_windows() -> None:
    commune = load_definition(ROOT / "workflows" / "qcdc-ubnd-xa.yaml")
    agency = load_definition(ROOT / "workflows" / "qcdc-co-quan.yaml")
    for definition in (commune, agency):
        names = {a for s in definition.stages.values() for a in s.actions}
        assert {
            "start_posting",
            "close_posting",
            "submit_synthesis",
            "issue_decision",
            "publish",
        } <= names
        assert definition.final_stages == ["in_force"]
    window = commune.windows["comment_window"]
    assert window.duration == Duration(20, "d") and window.minimum == Duration(20, "d")
    assert "Điều 28(2)" in window.basis
    assert "Điều 48" in agency.windows["comment_window"].basis


def test_unknown_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = variant(tmp_path, "    title: Dự thảo\n", "    title: Dự thảo\n    colour: red\n")
    assert errors_of(path) == [f"{path}:{line_of(path, 'colour: red')}: unknown key 'colour'"]


def test_unknown_role_is_refused(tmp_path: Path) -> None:
    path = variant(tmp_path, "roles: [clerk]", "roles: [secretary]")
    [error] = errors_of(path)
    assert error.startswith(
        f"{path}:{line_of(path, 'roles: [secretary]')}: unknown role 'secretary'"
    )


def test_unreachable_stage_is_refused(tmp_path: Path) -> None:
    path = variant(
        tmp_path, "  in_force:\n", "  orphan:\n    title: Bỏ quên\n    final: true\n  in_force:\n"
    )
    assert errors_of(path) == [
        f"{path}:{line_of(path, 'orphan:')}: stage 'orphan' is unreachable from 'draft'"
    ]


def test_window_below_its_legal_minimum_is_refused(tmp_path: Path) -> None:
    path = variant(tmp_path, "    duration: 20d\n", "    duration: 15d\n")
    [error] = errors_of(path)
    assert error == (
        f"{path}:{line_of(path, 'duration: 15d')}: duration 15d is below the legal "
        "minimum 20d (Luật 10/2022/QH15, Điều 28(2))"
    )


def test_a_window_of_seconds_needs_a_drill_definition(tmp_path: Path) -> None:
    path = variant(tmp_path, "    duration: 20d\n", "    duration: 30s\n")
    assert "below the legal minimum" in errors_of(path)[0]


def test_unknown_guard_target_and_missing_final_stage(tmp_path: Path) -> None:
    path = variant(tmp_path, "guards: [has_articles, plan_issued]", "guards: [moon_is_full]")
    assert "unknown guard 'moon_is_full'" in errors_of(path)[0]
    path = variant(tmp_path, "    to: deciding\n", "    to: nowhere\n")
    assert any("unknown stage 'nowhere'" in e for e in errors_of(path))
    path = variant(tmp_path, "    final: true\n", "    final: false\n")
    messages = errors_of(path)
    assert any("no final stage" in e for e in messages)
    assert any("dead end" in e for e in messages)


def test_a_person_cannot_be_given_the_closing_action(tmp_path: Path) -> None:
    path = variant(tmp_path, "roles: [system]", "roles: [drafter]")
    assert any("no one closes a window early" in e for e in errors_of(path))


def test_bad_yaml_and_bad_duration(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nstages: [\n", encoding="utf-8")
    [error] = errors_of(path)
    assert error.startswith(f"{path}:") and "not valid YAML" in error
    path = variant(tmp_path, "    duration: 20d\n", "    duration: twenty days\n")
    assert "invalid duration 'twenty days'" in errors_of(path)[0]


def test_workflows_check_command(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["workflows", "check"])
    assert ok.exit_code == 0, ok.output
    assert "qcdc-ubnd-xa" in ok.output and "qcdc-co-quan" in ok.output

    broken = variant(tmp_path, "roles: [clerk]", "roles: [secretary]")
    failed = runner.invoke(main, ["workflows", "check", str(broken)])
    assert failed.exit_code == 1
    assert f"{broken}:{line_of(broken, 'secretary')}: unknown role 'secretary'" in failed.output


# --- the keys that carry Art. 28 and the date rules ----------------------------------------


def test_the_review_roles_are_checked_with_their_line(tmp_path: Path) -> None:
    path = variant(tmp_path, "  dispose: [drafter]\n", "  dispose: [janitor]\n")
    [error] = errors_of(path)
    assert error.startswith(f"{path}:{line_of(path, 'janitor')}: unknown role 'janitor'")
    path = variant(tmp_path, "  propose: [reviewer]\n", "  propose: [system]\n")
    assert "unknown role 'system'" in errors_of(path)[0]
    path = variant(tmp_path, "  dispose: [drafter]\n", "")
    assert errors_of(path) == [f"{path}:{line_of(path, 'review:')}: missing required key 'dispose'"]


def test_a_step_requires_known_track_states(tmp_path: Path) -> None:
    path = variant(
        tmp_path, "synthesis_report: [approved, published]", "synthesis_report: [approved, signed]"
    )
    [error] = errors_of(path)
    assert "unknown state 'signed' of track 'synthesis_report'" in error
    assert error.startswith(f"{path}:")
    path = variant(tmp_path, "synthesis_report: [approved, published]", "audit: [done]")
    assert "unknown track 'audit'" in errors_of(path)[0]


def test_past_requires_and_only_with_name_the_actions_fields(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "past_requires: [paper_minutes, backdate_reason]",
        "past_requires: [paper_minutes, excuse]",
    )
    [error] = errors_of(path)
    assert "past_requires" in error and "'excuse'" in error
    path = variant(tmp_path, "only_with: plan_number", "only_with: plan_no")
    assert "unknown payload field 'plan_no'" in errors_of(path)[0]


def test_the_bundled_commune_definition_follows_art_28() -> None:
    commune = load_definition(BUNDLED)
    assert commune.review is not None
    assert commune.review.dispose == ("drafter",) and commune.review.explain == ("drafter",)
    assert commune.review.propose == ("reviewer",)
    decision = next(
        a for s in commune.stages.values() for a in s.actions.values() if a.name == "issue_decision"
    )
    assert dict(decision.requires) == {"synthesis_report": ("approved", "published")}
    assert "revisions_reflected" in decision.guards
