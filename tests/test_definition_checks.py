"""`consult workflows check` refuses each kind of mistake a definition author can make beyond
the schema (stages, tracks, steps, windows, deadlines, household ballots), naming the file and
the line to fix: ``file:line: message``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from consult.cli import main
from tests.files import errors_of, line_of, variant

VOTE = "bieu-quyet-ho-gia-dinh.yaml"


def at(path: Path, needle: str, message: str) -> str:
    """The error ``message`` reported at the line of ``needle``."""
    return f"{path}:{line_of(path, needle)}: {message}"


# --- stages and steps ----------------------------------------------------------------------


def test_a_final_stage_with_steps_is_refused(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "    final: true\n",
        "    final: true\n    actions:\n      reopen:\n        title: Mở lại\n"
        "        roles: [drafter]\n        to: draft\n",
    )
    assert errors_of(path) == [
        at(path, "final: true", "final stage 'in_force' cannot have actions")
    ]


def test_a_system_step_is_the_schedulers_alone(tmp_path: Path) -> None:
    path = variant(tmp_path, "roles: [system]", "roles: [system, drafter]")
    assert at(
        path, "roles: [system, drafter]", "a system action is taken by the scheduler alone"
    ) in errors_of(path)


def test_an_unknown_effect_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = variant(tmp_path, "effects: [record_postings]", "effects: [record_posters]")
    [error] = errors_of(path)
    assert error.startswith(at(path, "record_posters", "unknown effect 'record_posters'; known: "))
    assert "record_postings" in error


def test_item_counts_are_for_a_list_field(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "            max_length: 50\n",
        "            max_length: 50\n            min_items: 1\n",
    )
    assert errors_of(path) == [
        at(path, "paper_minutes:", "min_items and max_items are for a list field")
    ]


def test_past_requires_belongs_to_a_date_field(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "            max_length: 50\n",
        "            max_length: 50\n            past_requires: [backdate_reason]\n",
    )
    assert errors_of(path) == [
        at(
            path,
            "past_requires: [backdate_reason]",
            "past_requires of a date field names its action's other fields ('backdate_reason')",
        )
    ]


# --- tracks --------------------------------------------------------------------------------


def test_a_track_names_its_own_states_and_the_stages_it_runs_during(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "    initial: none\n    during: [draft]",
        "    initial: nothing\n    during: [draft]",
    )
    assert errors_of(path) == [
        at(path, "initial: nothing", "unknown state 'nothing' of track 'plan'")
    ]
    path = variant(tmp_path, "during: [draft]", "during: [drafting]")
    assert errors_of(path) == [at(path, "during: [drafting]", "unknown stage 'drafting'")]
    path = variant(
        tmp_path,
        "        from: [none]\n        to: signed",
        "        from: [unsigned]\n        to: signed",
    )
    assert errors_of(path) == [
        at(path, "from: [unsigned]", "unknown state 'unsigned' of track 'plan'")
    ]
    path = variant(tmp_path, "        to: recorded\n", "        to: noted\n")
    assert errors_of(path) == [
        at(path, "to: noted", "unknown state 'noted' of track 'front_supervision'")
    ]


def test_a_track_step_cannot_share_a_stages_step_name(tmp_path: Path) -> None:
    path = variant(tmp_path, "      record_front_opinion:\n", "      extend_window:  # renamed\n")
    assert errors_of(path) == [
        at(path, "# renamed", "action 'extend_window' is also a stage's action: rename one")
    ]


def test_a_track_step_requiring_another_track_names_a_known_one(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "        from: [approved]\n",
        "        from: [approved]\n        requires:\n          audit: [done]\n",
    )
    assert errors_of(path) == [at(path, "audit: [done]", "unknown track 'audit'")]


# --- windows -------------------------------------------------------------------------------


def test_a_window_opens_and_closes_with_known_steps(tmp_path: Path) -> None:
    path = variant(tmp_path, "opens_with: publish_synthesis", "opens_with: publish_report")
    assert errors_of(path) == [
        at(path, "opens_with: publish_report", "unknown action 'publish_report'")
    ]
    path = variant(tmp_path, "on_close: close_posting", "on_close: close_window")
    assert errors_of(path) == [at(path, "on_close: close_window", "unknown action 'close_window'")]


def test_a_windows_start_and_length_come_from_fields_of_the_right_type(tmp_path: Path) -> None:
    path = variant(tmp_path, "    from: posted_on\n", "    from: paper_minutes\n")
    assert errors_of(path) == [
        at(
            path,
            "from: paper_minutes",
            "'paper_minutes' must be a date payload field of 'start_posting'",
        )
    ]
    path = variant(tmp_path, "set_by: comment_days", "set_by: posted_on")
    assert errors_of(path) == [
        at(
            path,
            "set_by: posted_on",
            "'posted_on' must be a integer payload field of 'start_posting'",
        )
    ]


def test_a_window_states_its_legal_minimum_and_basis(tmp_path: Path) -> None:
    basis = "    basis: Luật 10/2022/QH15, Điều 11(11), Điều 13(2)\n"
    minimum = "    duration: 30d\n    minimum: 30d\n" + basis
    synthesis = "    opens_with: publish_synthesis\n"
    path = variant(tmp_path, synthesis + minimum, synthesis + "    duration: 30d  # no minimum\n")
    assert errors_of(path) == [
        at(
            path,
            "# no minimum",
            "window 'synthesis_posting' needs a legal minimum and basis (minimum:, basis:), "
            "or mark the definition drill: true",
        )
    ]
    path = variant(
        tmp_path,
        synthesis + minimum,
        synthesis + "    duration: 30d\n    minimum: 30d  # no basis\n",
    )
    assert errors_of(path) == [at(path, "# no basis", "a minimum needs its legal basis (basis:)")]


def test_a_window_and_its_minimum_are_in_the_same_unit(tmp_path: Path) -> None:
    path = variant(tmp_path, "    minimum: 30d\n", "    minimum: 20wd\n")
    assert errors_of(path) == [
        at(path, "minimum: 20wd", "state the duration and its minimum in the same unit")
    ]


# --- deadlines (a step a person must take within the law's time) --------------------------


def test_a_deadline_is_for_a_known_step_a_person_takes(tmp_path: Path) -> None:
    path = variant(tmp_path, "deadline_for: recognize", "deadline_for: recognise", source=VOTE)
    assert at(path, "deadline_for: recognise", "unknown action 'recognise'") in errors_of(path)
    path = variant(
        tmp_path,
        "tracks:\n",
        "  closing_deadline:\n    title: Thời hạn kết thúc niêm yết\n"
        "    opens_with: start_posting\n    duration: 5wd\n    maximum: 5wd\n"
        "    basis: Luật 10/2022/QH15\n    deadline_for: close_posting\n\ntracks:\n",
    )
    assert errors_of(path) == [
        at(path, "deadline_for: close_posting", "a deadline is for a step a person takes")
    ]


def test_a_deadline_is_only_a_deadline(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "    deadline_for: recognize\n",
        "    deadline_for: recognize\n    posting: true\n",
        source=VOTE,
    )
    assert errors_of(path) == [
        at(
            path,
            "recognition_deadline:",
            "a deadline has no on_close, accepts_comments, posting or minimum",
        )
    ]


def test_a_deadline_is_met_on_a_date_field_of_its_step(tmp_path: Path) -> None:
    path = variant(tmp_path, "done_from: recognized_on", "done_from: note", source=VOTE)
    assert errors_of(path) == [
        at(path, "done_from: note", "'note' must be a date payload field of 'recognize'")
    ]


def test_a_deadline_states_the_laws_maximum_in_its_unit(tmp_path: Path) -> None:
    recognition = "    from: received_on\n    duration: 5wd\n    maximum: 5wd\n"
    path = variant(
        tmp_path,
        recognition,
        "    from: received_on\n    duration: 5wd  # no maximum\n",
        source=VOTE,
    )
    assert errors_of(path) == [
        at(
            path,
            "# no maximum",
            "deadline 'recognition_deadline' needs its legal maximum and basis "
            "(maximum:, basis:), or mark the definition drill: true",
        )
    ]
    path = variant(
        tmp_path,
        recognition,
        "    from: received_on\n    duration: 5wd\n    maximum: 7d\n",
        source=VOTE,
    )
    assert errors_of(path) == [
        at(path, "maximum: 7d", "state the duration and its maximum in the same unit")
    ]
    path = variant(
        tmp_path,
        recognition,
        "    from: received_on\n    duration: 6wd\n    maximum: 5wd\n",
        source=VOTE,
    )
    assert errors_of(path) == [
        at(
            path,
            "duration: 6wd",
            "duration 6wd is above the legal maximum 5wd "
            "(Luật 10/2022/QH15, Điều 21; Nghị định 59/2023/NĐ-CP)",
        )
    ]


# --- household ballots ---------------------------------------------------------------------


def test_a_ballot_opens_with_a_known_step(tmp_path: Path) -> None:
    path = variant(tmp_path, "opens_with: give_notice", "opens_with: give_notices", source=VOTE)
    assert errors_of(path) == [
        at(path, "opens_with: give_notices", "unknown action 'give_notices'")
    ]


def test_a_ballots_village_and_day_are_fields_of_the_right_type(tmp_path: Path) -> None:
    path = variant(tmp_path, "village_from: village", "village_from: vote_on", source=VOTE)
    assert errors_of(path) == [
        at(
            path,
            "village_from: vote_on",
            "'vote_on' must be a string payload field of 'give_notice'",
        )
    ]
    path = variant(tmp_path, "    from: vote_on\n", "    from: village\n", source=VOTE)
    assert errors_of(path) == [
        at(path, "    from: village", "'village' must be a date payload field of 'give_notice'")
    ]


def test_a_ballots_notice_is_in_days_before_its_day(tmp_path: Path) -> None:
    path = variant(tmp_path, "notice: 2d", "notice: 2wd", source=VOTE)
    assert errors_of(path) == [
        at(path, "notice: 2wd", "a notice is in days (e.g. 2d) before the day in from:")
    ]


def test_a_ballot_is_counted_by_known_steps_of_the_counting_team(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "counted_by: [record_adoption, record_rejection]",
        "counted_by: [record_adoption, record_refusal]",
        source=VOTE,
    )
    assert errors_of(path) == [at(path, "record_refusal]", "unknown action 'record_refusal'")]
    path = variant(
        tmp_path,
        "        roles: [reviewer]\n        to: not_decided",
        "        roles: [system]\n        to: not_decided",
        source=VOTE,
    )
    assert errors_of(path) == [
        at(path, "record_rejection]", "the counting team counts: not a system step")
    ]


def test_workflows_check_names_every_mistake_of_a_file(tmp_path: Path) -> None:
    path = variant(tmp_path, "notice: 2d", "notice: 2wd", source=VOTE)
    text = path.read_text(encoding="utf-8").replace("done_from: recognized_on", "done_from: note")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["workflows", "check", str(path)])
    assert result.exit_code == 1
    assert at(path, "done_from: note", "'note' must be a date payload field of 'recognize'") in (
        result.output
    )
    assert at(path, "notice: 2wd", "a notice is in days (e.g. 2d) before the day in from:") in (
        result.output
    )


# --- the file as a whole -------------------------------------------------------------------


def test_a_name_that_is_not_snake_case_and_a_stage_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = variant(tmp_path, "  in_force:\n", "  In_force:\n")
    assert at(
        path, "In_force:", "invalid name: use lower_snake_case: letters, digits, _"
    ) in errors_of(path)
    path = variant(
        tmp_path, "  in_force:\n    title: Đang thực hiện\n    final: true\n", "  in_force: yes\n"
    )
    assert errors_of(path) == [at(path, "in_force: yes", "stages.in_force: Invalid input type.")]


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- id: x\n- stages: {}\n", encoding="utf-8")
    assert errors_of(path) == [
        f"{path}:1: a definition is a mapping with id, version, title, initial and stages"
    ]


def test_workflows_check_refuses_two_files_with_one_id(tmp_path: Path) -> None:
    first = variant(tmp_path, "title: Dự thảo\n", "title: Dự thảo\n", name="first.yaml")
    second = variant(tmp_path, "version: 1\n", "version: 2\n", name="second.yaml")
    result = CliRunner().invoke(main, ["workflows", "check", str(first), str(second)])
    assert result.exit_code == 1
    assert f"{second}:1: id 'qcdc-ubnd-xa' is also defined in {first}" in result.output
    assert f"ok  {first}: qcdc-ubnd-xa v1" in result.output
