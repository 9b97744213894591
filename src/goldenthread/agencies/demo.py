"""The fictitious Northshire safeguarding partnership used for demonstrations and browser tests.

Everything here is invented. Names of places and people are made up; codes use reserved-looking values.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.agencies.models import AgencyKind
from goldenthread.agencies.permissions import Role

# One password for every demo account, so a person trying the service can sign in as any role.
# demo-data refuses to run in production mode.
DEMO_PASSWORD = "northshire-demo-2026"  # noqa: S105 - published demo credential, embedded mode only


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str
    teams: tuple[tuple[str, str, bool], ...] = ()
    ods_code: str = ""
    urn: str = ""
    la_code: str = ""
    charity_number: str = ""


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    job_title: str
    memberships: tuple[tuple[str, str], ...]  # (agency code, role)


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency(
        "northshire-partnership", "Northshire Safeguarding Children Partnership", AgencyKind.PARTNERSHIP
    ),
    DemoAgency(
        "northshire-csc",
        "Northshire Council Children's Social Care",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        (("mash", "Multi-Agency Safeguarding Hub", True), ("assessment", "Assessment Team", False)),
        la_code="999",
    ),
    DemoAgency(
        "northshire-police",
        "Northshire Police",
        AgencyKind.POLICE,
        (("ppu", "Public Protection Unit", False), ("mash-police", "MASH police desk", True)),
    ),
    DemoAgency(
        "northshire-health",
        "Northshire Community Health NHS Trust",
        AgencyKind.HEALTH_TRUST,
        (("health-visiting", "Health Visiting", False), ("school-nursing", "School Nursing", False)),
        ods_code="ZZ1",
    ),
    DemoAgency("gp-riverside", "Riverside Medical Practice", AgencyKind.GP_PRACTICE, ods_code="Z99001"),
    DemoAgency("gp-hillview", "Hillview Surgery", AgencyKind.GP_PRACTICE, ods_code="Z99002"),
    DemoAgency("school-meadowbank", "Meadowbank Primary School", AgencyKind.SCHOOL, urn="999001"),
    DemoAgency(
        "school-st-aidans", "St Aidan's Church of England Primary School", AgencyKind.SCHOOL, urn="999002"
    ),
    DemoAgency("school-oakfield", "Oakfield Primary School", AgencyKind.SCHOOL, urn="999003"),
    DemoAgency("school-northshire-academy", "Northshire Academy", AgencyKind.SCHOOL, urn="999004"),
    DemoAgency("northshire-probation", "Probation Service, Northshire", AgencyKind.PROBATION),
    DemoAgency("northshire-housing", "Northshire Homes", AgencyKind.HOUSING),
    DemoAgency("northshire-yjs", "Northshire Youth Justice Service", AgencyKind.YOUTH_JUSTICE),
    DemoAgency(
        "northshire-family-court",
        "Northshire Family Court",
        AgencyKind.COURT,
        (("care-proceedings", "Care proceedings office", False),),
    ),
    DemoAgency(
        "cps-northshire",
        "Crown Prosecution Service, Northshire",
        AgencyKind.PROSECUTOR,
        (("rasso", "Rape and serious sexual offences unit", False),),
    ),
    DemoAgency(
        "safe-harbour", "Safe Harbour Family Support", AgencyKind.VOLUNTARY_SECTOR, charity_number="9999999"
    ),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser("sw.ahmed", "Samira", "Ahmed", "Social worker", (("northshire-csc", Role.PRACTITIONER),)),
    DemoUser("mgr.okafor", "Daniel", "Okafor", "Team manager", (("northshire-csc", Role.MANAGER),)),
    DemoUser(
        "mash.lewis",
        "Rhian",
        "Lewis",
        "MASH officer",
        (("northshire-csc", Role.MASH_OFFICER), ("northshire-police", Role.MASH_OFFICER)),
    ),
    DemoUser(
        "ig.patel", "Anil", "Patel", "Information governance officer", (("northshire-csc", Role.IG_OFFICER),)
    ),
    DemoUser(
        "cg.brennan",
        "Orla",
        "Brennan",
        "Caldicott Guardian",
        (("northshire-health", Role.CALDICOTT_GUARDIAN),),
    ),
    # The partnership's named adviser: any agency's practitioner may ask her (issue 12).
    DemoUser(
        "cg.osei",
        "Abena",
        "Osei",
        "Partnership Caldicott Guardian",
        (("northshire-partnership", Role.CALDICOTT_GUARDIAN),),
    ),
    DemoUser("pc.walsh", "Tom", "Walsh", "Police constable", (("northshire-police", Role.PRACTITIONER),)),
    DemoUser("ds.harper", "Leah", "Harper", "Detective sergeant", (("northshire-police", Role.MANAGER),)),
    DemoUser("hv.nowak", "Kasia", "Nowak", "Health visitor", (("northshire-health", Role.PRACTITIONER),)),
    DemoUser("gp.adeyemi", "Funmi", "Adeyemi", "GP safeguarding lead", (("gp-riverside", Role.DSL),)),
    DemoUser("dsl.meadowbank", "Gareth", "Price", "Deputy head teacher", (("school-meadowbank", Role.DSL),)),
    DemoUser(
        "dsl.academy",
        "Priya",
        "Shah",
        "Designated safeguarding lead",
        (("school-northshire-academy", Role.DSL),),
    ),
    DemoUser(
        "legal.adviser",
        "Nadia",
        "Hussain",
        "Court legal adviser",
        (("northshire-family-court", Role.PRACTITIONER),),
    ),
    DemoUser("cps.lawyer", "Owen", "Griffiths", "Crown prosecutor", (("cps-northshire", Role.PRACTITIONER),)),
    DemoUser(
        "po.kowalski",
        "Marek",
        "Kowalski",
        "Probation officer",
        (("northshire-probation", Role.PRACTITIONER),),
    ),
    DemoUser("ho.mensah", "Ama", "Mensah", "Housing officer", (("northshire-housing", Role.PRACTITIONER),)),
    DemoUser(
        "yjs.obrien", "Ciaran", "O'Brien", "Youth justice worker", (("northshire-yjs", Role.PRACTITIONER),)
    ),
    DemoUser(
        "vs.campbell", "Isla", "Campbell", "Family support worker", (("safe-harbour", Role.PRACTITIONER),)
    ),
    DemoUser(
        "analyst.reid",
        "Fiona",
        "Reid",
        "Partnership business analyst",
        (("northshire-partnership", Role.BOARD_ANALYST),),
    ),
    DemoUser(
        "admin.jones",
        "Huw",
        "Jones",
        "System administrator",
        (("northshire-partnership", Role.SYSTEM_ADMINISTRATOR),),
    ),
    # No membership: shows what a leaver sees (they cannot sign in).
    DemoUser("leaver.smith", "Jo", "Smith", "Former practitioner", ()),
)
