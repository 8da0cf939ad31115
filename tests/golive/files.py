"""Spreadsheets for the go-live import, built in code (no binary fixtures).

``people_xlsx`` and ``workplaces_xlsx`` make clean files for the kinds ``peer_supporters`` and
``workplaces``; ``broken_people_xlsx`` makes a file the preview refuses. The browser journey
uses them too.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

PEOPLE_COLUMNS = ["full_name", "email", "phone", "language", "status", "consent_on_paper"]
WORKPLACE_COLUMNS = [
    "organisation",
    "principal",
    "workplace",
    "type",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
]
PLACEMENT_COLUMNS = [
    "email",
    "organisation",
    "workplace",
    "start_date",
    "end_date",
    "hours_per_week",
    "employer",
    "tasks",
]
APPLICANT_COLUMNS = ["full_name", "email", "phone", "language", "applied_on", "consent_on_paper"]

FIRST_NAMES = ["Anna", "Erik", "Maria", "Johan", "Sara", "Karl", "Lena", "Per", "Eva", "Nils"]
LAST_NAMES = ["Lind", "Berg", "Holm", "Ek", "Nord", "Strand", "Sjö", "Dahl", "Falk", "Vik"]
WORKPLACE_TYPES = ["outpatient", "inpatient", "social_psychiatry", "act_team", "housing_first"]
CONSENT_DATE = dt.date(2026, 1, 15)


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    """An .xlsx with one sheet: the header row, then ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _slug(region) -> str:
    return str(getattr(region, "code", "") or region.pk).lower()


def people_rows(region, n: int = 20) -> list[list]:
    """Peer supporters: certified, consent to the lived-experience declaration on paper."""
    return [
        [
            f"{FIRST_NAMES[i % 10]} {LAST_NAMES[(i // 10) % 10]}",
            f"peer{i + 1}.{_slug(region)}@example.org",
            "",
            "sv",
            "certified",
            CONSENT_DATE,
        ]
        for i in range(n)
    ]


def people_xlsx(region, n: int = 20) -> bytes:
    """``n`` certified peer supporters of ``region`` (kind ``peer_supporters``)."""
    return xlsx(PEOPLE_COLUMNS, people_rows(region, n))


def workplace_rows(region, n: int = 5) -> list[list]:
    return [
        [
            f"Psykiatrin {region.name}",
            "region",
            f"Enhet {i + 1}",
            WORKPLACE_TYPES[i % len(WORKPLACE_TYPES)],
            f"Storgatan {i + 1}",
            f"{FIRST_NAMES[i % 10]} Chef",
            f"enhet{i + 1}.{_slug(region)}@example.org",
            "",
        ]
        for i in range(n)
    ]


def workplaces_xlsx(region, n: int = 5) -> bytes:
    """``n`` workplaces of one organisation in ``region`` (kind ``workplaces``)."""
    return xlsx(WORKPLACE_COLUMNS, workplace_rows(region, n))


def broken_people_xlsx(region) -> bytes:
    """Peer supporters where three rows are wrong: an e-mail that is not one, a status that
    does not exist, and a person without a recorded consent. The rest are fine."""
    rows = people_rows(region, 5)
    rows[1][1] = "not-an-email"
    rows[2][4] = "superhero"
    rows[3][5] = None
    return xlsx(PEOPLE_COLUMNS, rows)
