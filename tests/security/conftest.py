from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _agreement_documents(settings: Any, tmp_path: Any) -> None:
    """Documents the agreements rows attach are written under the test's own directory."""
    settings.AGREEMENT_DOCUMENTS_DIR = tmp_path / "agreement-documents"
