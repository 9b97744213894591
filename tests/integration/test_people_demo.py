from __future__ import annotations

import pytest

from goldenthread.people.demo import DemoFiles, demo_children_load
from goldenthread.people.models import Person, SourceRecord
from goldenthread.web.management.commands.demo_data import Command

pytestmark = pytest.mark.django_db


def test_demo_files_same_seed_same_bytes() -> None:
    assert DemoFiles().build(6) == DemoFiles().build(6)


def test_demo_children_imported_through_matching_and_repeat_adds_nothing() -> None:
    Command()._load()  # the partnership's agencies
    assert demo_children_load(households=12, say=lambda _: None) > 0
    records, people = SourceRecord.objects.count(), Person.objects.count()
    assert people < records  # several agencies' records of one child were linked
    assert SourceRecord.objects.filter(link_method="automatic").exists()
    assert demo_children_load(households=12, say=lambda _: None) == 0
    assert (SourceRecord.objects.count(), Person.objects.count()) == (records, people)
