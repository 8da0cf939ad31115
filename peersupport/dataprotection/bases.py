"""Legal grounds that many kinds of record share, written once so the register reads the
same wherever a ground recurs. Apps name their own purpose and retention in their entries."""

from django.utils.translation import gettext_lazy as _

# GDPR art. 6.1 e with the Swedish Data Protection Act (2018:218) 2 ch. 2 §.
PUBLIC_TASK = _(
    "Art. 6.1 e (a task carried out in the public interest): the region's duty to plan, run "
    "and develop health care and social support with the users' participation (the Health "
    "and Medical Services Act, 2017:30, 3 ch. and 5 ch.; the Data Protection Act, 2018:218, "
    "2 ch. 2 §). Processing is limited to what the programme needs."
)

# GDPR art. 6.1 e for the accounts and roles that let staff and peer supporters log in.
PUBLIC_TASK_ACCESS = _(
    "Art. 6.1 e (a task carried out in the public interest) with the Data Protection Act "
    "2 ch. 2 §, together with art. 32 (security of processing): an account and a role in a "
    "region are needed so that only the right people reach the programme's records."
)

# GDPR art. 6.1 c: the duty to keep a record of access and to be able to show compliance.
LEGAL_OBLIGATION_LOG = _(
    "Art. 6.1 c (a legal obligation): art. 5.2 and art. 32 GDPR require the region to "
    "protect the records and to be able to show who read or changed them; the region's "
    "information security rules (MSBFS 2020:6) require logs to be kept and followed up."
)

# GDPR art. 9.2 a: explicit consent, recorded with the text version shown.
EXPLICIT_CONSENT = _(
    "Art. 9.2 a (explicit consent): stored only while the person's recorded consent is "
    "valid; the consent record keeps the text version shown, the date, how it was given and "
    "who recorded it. Withdrawing the consent removes the information at once."
)

# GDPR art. 9.2 b: employment and working-environment duties.
EMPLOYMENT = _(
    "Art. 9.2 b (obligations in employment law) with the Data Protection Act 3 ch. 2 §: the "
    "employer's duty under the Work Environment Act (1977:1160) 3 ch. 2 § to give the peer "
    "supporter support and supervision in a role built on their own experience."
)

# GDPR art. 9.2 h: management of health and social care, under professional secrecy.
CARE_MANAGEMENT = _(
    "Art. 9.2 h (management of health and social care) with the Data Protection Act 3 ch. "
    "5 §: recorded by staff bound by professional secrecy (Public Access to Information and "
    "Secrecy Act, 2009:400, 25 ch. and 26 ch.) and used to follow up the support given."
)

# Being in the programme, by itself, hints at lived experience of mental ill-health.
INDIRECT_HEALTH = _(
    "Being in the programme can reveal that a person has lived experience of mental "
    "ill-health, so the record is treated as special-category data: only coordinators of "
    "the person's region read it, every read is logged, and a calendar feed or message never "
    "names the person's programme role."
)
