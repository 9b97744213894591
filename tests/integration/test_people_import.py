from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from goldenthread.audit.models import AuditEvent
from goldenthread.cli import main
from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import
from goldenthread.people.importing import ImportFileError
from goldenthread.people.models import (
    Identifier,
    IdentifierKind,
    Involvement,
    Person,
    Relationship,
    SourceRecord,
    SourceRecordLink,
)
from tests.integration.people_support import AMELIA, agency, csv_bytes, import_rows, json_bytes, record, row

pytestmark = pytest.mark.django_db

BAD = row(
    local_id="H-2",
    date_of_birth="31/31/2016",
    nhs_number="9434765918",
    practitioner_email="not-an-email",
    sensitive_category="secret",
)


def test_import_bad_rows_reported_by_row_and_field() -> None:
    batch = import_rows("health", [AMELIA, BAD, row(local_id="H-3", service="")])
    found = {(e["row"], e["field"]) for e in batch.errors}
    assert found == {
        (2, "date_of_birth"),
        (2, "nhs_number"),
        (2, "practitioner_email"),
        (2, "sensitive_category"),
        (2, "brokered_contact"),
        (3, "service"),
    }
    assert batch.rows_rejected == 2
    # The report never repeats the rejected value: it may be personal data.
    assert "9434765918" not in str(batch.errors)


def test_import_good_rows_kept_when_others_rejected() -> None:
    import_rows("health", [AMELIA, BAD])
    assert list(SourceRecord.objects.values_list("local_id", flat=True)) == ["H-1"]
    amelia = record("health", "H-1").person
    assert (amelia.given_name, amelia.family_name, str(amelia.date_of_birth)) == (
        "Amelia",
        "Kowalski",
        "2016-04-09",
    )
    assert Identifier.objects.get(person=amelia, kind=IdentifierKind.NHS_NUMBER).value == AMELIA["nhs_number"]
    involvement = Involvement.objects.get(person=amelia)
    assert (involvement.service, involvement.is_lead_professional) == ("Health visiting", True)


def test_import_same_file_twice_changes_nothing() -> None:
    rows = [AMELIA, row(local_id="H-2", given_name="Oskar", date_of_birth="2018-02-01", nhs_number="")]
    import_rows("health", rows)
    before = (
        list(SourceRecord.objects.values_list("pk", "person_id", "content_hash", "updated_at")),
        Person.objects.count(),
        SourceRecordLink.objects.count(),
    )
    again = import_rows("health", rows)
    after = (
        list(SourceRecord.objects.values_list("pk", "person_id", "content_hash", "updated_at")),
        Person.objects.count(),
        SourceRecordLink.objects.count(),
    )
    assert after == before
    assert (again.rows_unchanged, again.rows_created, again.rows_updated) == (2, 0, 0)


def test_import_changed_row_updates_record_and_keeps_link() -> None:
    import_rows("health", [AMELIA])
    person_id = record("health", "H-1").person_id
    batch = import_rows("health", [row(address_line="3 New Street", postcode="NS2 1AA")])
    assert batch.rows_updated == 1
    updated = record("health", "H-1")
    assert updated.person_id == person_id
    assert updated.postcode == "NS2 1AA"
    assert list(updated.person.addresses.values_list("postcode", flat=True)) == ["NS2 1AA"]


def test_import_json_file_accepted() -> None:
    batch = records_import(
        agency=agency("school"),
        filename="pupils.json",
        content=json_bytes(
            [{**AMELIA, "local_id": "S-1", "upn": "A123456789012", "interpreter_needed": True}]
        ),
        by=Actor(username="t"),
    )
    assert (batch.file_format, batch.rows_created, batch.rows_rejected) == ("json", 1, 0)
    assert record("school", "S-1").person.interpreter_needed is True


def test_import_file_missing_required_column_refused_whole() -> None:
    content = b"local_id,given_name\nX-1,Amy\n"
    with pytest.raises(ImportFileError, match="family_name"):
        records_import(agency=agency("health"), filename="bad.csv", content=content, by=Actor(username="t"))
    assert not SourceRecord.objects.exists()


def test_import_relationship_links_parent_to_child() -> None:
    mother = row(
        local_id="H-9",
        given_name="Joanna",
        date_of_birth="1990-06-02",
        nhs_number="",
        related_local_id="H-1",
        relationship="parent_of",
        lead_professional="no",
    )
    import_rows("health", [mother, AMELIA])
    link = Relationship.objects.get()
    assert (link.from_person.given_name, link.kind, link.to_person.given_name) == (
        "Joanna",
        "parent_of",
        "Amelia",
    )
    assert link.to_person.is_child is True and link.from_person.is_child is False


def test_import_unknown_related_record_rejected_by_field() -> None:
    batch = import_rows("health", [row(related_local_id="H-404", relationship="sibling_of")])
    assert [(e["row"], e["field"]) for e in batch.errors] == [(1, "related_local_id")]


def test_import_audited_with_counts_and_no_personal_data() -> None:
    batch = import_rows("health", [AMELIA, BAD])
    event = AuditEvent.objects.get(action="records.imported")
    assert event.object_id == str(batch.pk)
    assert event.details["created"] == 1 and event.details["rejected"] == 1
    assert "Amelia" not in str(event.details) and "Kowalski" not in str(event.details)


def test_import_command_reports_rows_and_fails_on_rejects(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    agency("health")
    path = tmp_path / "health.csv"
    path.write_bytes(csv_bytes([AMELIA, BAD]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(path), "--agency", "health")
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "1 new" in captured.out and "1 rejected" in captured.out
    assert "row 2 (H-2), nhs_number: Not a valid NHS number" in captured.out  # with the record id
    assert "2/2 rows" in captured.err  # the progress line
    with pytest.raises(SystemExit):
        call_command("import", str(path), "--agency", "health", "--no-progress")
    assert "0 new, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_import_command_unknown_agency_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "health.csv"
    path.write_bytes(csv_bytes([AMELIA]))
    with pytest.raises(CommandError, match="No active agency with code 'nowhere'"):
        call_command("import", str(path), "--agency", "nowhere")


def test_import_is_a_goldenthread_verb(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "--help"])
    assert exit_info.value.code == 0
    assert "--agency" in capsys.readouterr().out


def _family(related: str, relationship: str) -> list[dict[str, str]]:
    mother = row(
        local_id="H-9",
        given_name="Joanna",
        date_of_birth="1990-06-02",
        nhs_number="",
        related_local_id=related,
        relationship=relationship,
        lead_professional="no",
    )
    brother = row(local_id="H-2", given_name="Oskar", date_of_birth="2018-02-01", nhs_number="")
    return [mother, AMELIA, brother]


def _stated() -> set[tuple[str, str, str]]:
    return {
        (r.from_person.given_name, r.kind, r.to_person.given_name)
        for r in Relationship.objects.select_related("from_person", "to_person")
    }


def test_import_several_relationships_one_kind_for_all() -> None:
    import_rows("health", _family("H-1; H-2", "parent_of"))
    assert _stated() == {("Joanna", "parent_of", "Amelia"), ("Joanna", "parent_of", "Oskar")}


def test_import_several_relationships_one_kind_each() -> None:
    import_rows("health", _family("H-1;H-2", "parent_of; carer_of"))
    assert _stated() == {("Joanna", "parent_of", "Amelia"), ("Joanna", "carer_of", "Oskar")}


def test_import_relationship_dropped_from_a_record_is_removed_on_reimport() -> None:
    import_rows("health", _family("H-1; H-2", "parent_of"))
    batch = import_rows("health", _family("H-2", "parent_of"))
    assert _stated() == {("Joanna", "parent_of", "Oskar")}
    assert batch.rows_updated == 1


@pytest.mark.parametrize(
    ("related", "relationship", "field"),
    [
        ("H-1; H-2", "parent_of; carer_of; sibling_of", "relationship"),
        ("H-1; H-1", "parent_of", "related_local_id"),
        ("H-1; H-9", "parent_of", "related_local_id"),
        ("H-1; H-2", "parent_of; cousin_of", "relationship"),
        ("H-1; H-404", "parent_of", "related_local_id"),
    ],
)
def test_import_bad_relationship_list_rejected_by_field(related: str, relationship: str, field: str) -> None:
    batch = import_rows("health", _family(related, relationship))
    assert [(e["row"], e["field"]) for e in batch.errors] == [(1, field)]
    assert not Relationship.objects.exists()
