"""What a version says, as one canonical document: its hash (what is signed), the ICO headings it is read
under, and its export in the ODRL-based shape (docs/agreements.md)."""

from __future__ import annotations

import hashlib
import json
from itertools import permutations
from typing import Any

from goldenthread.agreements.models import AgreementVersion
from goldenthread.agreements.vocab import CATEGORY_LABELS, PURPOSE_LABELS

# The headings of the ICO data sharing code of practice ("What should we include in a data sharing
# agreement?"), in its order; the readable document and the PDF have each of them.
ICO_HEADINGS: tuple[str, ...] = (
    "Parties and nominated officers",
    "Purpose of the data sharing",
    "Data items to be shared",
    "Lawful basis for sharing",
    "Access and individuals' rights",
    "Information governance: data quality",
    "Retention and secure disposal",
    "Security",
    "Complaints and breaches",
    "Review of the agreement",
    "Signatures",
)


def version_content(version: AgreementVersion) -> dict[str, Any]:
    """Everything the parties agree to in this version, in a stable order (no timestamps of signing)."""
    agreement = version.agreement
    return {
        "agreement": agreement.pk,
        "version": version.number,
        "tier": agreement.tier,
        "parent": agreement.parent_id,
        "title": version.title,
        "parties": [
            {"agency": p.agency.code, "officer": p.officer.get_username()}
            for p in sorted(version.parties.select_related("agency", "officer"), key=lambda p: p.agency.code)
        ],
        "purposes": sorted(version.purposes),
        "categories": sorted(version.categories),
        "lawful_bases": version.lawful_bases,
        "retention": version.retention,
        "data_quality": version.data_quality,
        "complaints": version.complaints,
        "subject_access": version.subject_access,
        "security": version.security,
        "review_months": version.review_months,
        "next_review_date": version.next_review_date.isoformat(),
        "documents": sorted(d.sha256 for d in version.documents.all()),
    }


def content_hash(version: AgreementVersion) -> str:
    """SHA-256 of the canonical JSON of the version's content: the exact thing a signature is over."""
    canonical = json.dumps(version_content(version), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def odrl_policy(version: AgreementVersion, *, base_url: str) -> dict[str, Any]:
    """The version as an ODRL Agreement: each party may share each category with each other party, for
    the agreed purposes, while the agreement is in force; onward disclosure is prohibited without the
    providing party's agreement; the recipient must delete after the retention period."""
    uid = f"{base_url}/agreements/{version.agreement_id}/versions/{version.number}"
    parties = sorted(version.parties.select_related("agency"), key=lambda p: p.agency.code)
    target = {
        "@type": "AssetCollection",
        "uid": f"{uid}#data",
        "source": [
            {"uid": f"{uid}#category-{code}", "title": CATEGORY_LABELS.get(code, code)}
            for code in sorted(version.categories)
        ],
    }
    purpose_constraint = {
        "leftOperand": "purpose",
        "operator": "isAnyOf",
        "rightOperand": sorted(version.purposes),
        "purposeLabels": {code: PURPOSE_LABELS.get(code, code) for code in sorted(version.purposes)},
    }
    in_force: list[dict[str, Any]] = [purpose_constraint]
    if version.active_from is not None:
        in_force.append(
            {"leftOperand": "dateTime", "operator": "gteq", "rightOperand": version.active_from.isoformat()}
        )
    if version.active_until is not None:
        in_force.append(
            {"leftOperand": "dateTime", "operator": "lt", "rightOperand": version.active_until.isoformat()}
        )

    def party(p: Any) -> dict[str, str]:
        return {"@type": "Party", "uid": f"{base_url}/agencies/{p.agency.code}", "title": p.agency.name}

    permissions = [
        {
            "assigner": party(a),
            "assignee": party(b),
            "target": target,
            "action": "distribute",
            "constraint": in_force,
            "duty": [
                {"action": "delete", "note": version.retention},
                {"action": "inform", "note": "Report a breach: " + version.complaints},
            ],
        }
        for a, b in permutations(parties, 2)
    ]
    prohibitions = [
        {
            "assigner": party(a),
            "assignee": party(b),
            "target": target,
            "action": "distribute",
            "note": "No onward disclosure to a third agency without the providing agency's agreement",
            "constraint": [{"leftOperand": "recipient", "operator": "neq", "rightOperand": a.agency.code}],
        }
        for a, b in permutations(parties, 2)
    ]
    return {
        "@context": "http://www.w3.org/ns/odrl.jsonld",
        "@type": "Agreement",
        "uid": uid,
        "title": version.title,
        "status": version.status,
        "contentHash": version.content_hash or content_hash(version),
        "lawfulBasis": version.lawful_bases,
        "reviewDate": version.next_review_date.isoformat(),
        "permission": permissions,
        "prohibition": prohibitions,
    }
