"""Casework models, in three parts:

- core.py: Perpetrator, Case, object grants, break-glass (the base every app builds on);
- casefile.py: the case file (records, assessments, plans, sessions, notes, risk changes, closure);
- legal.py: orders, custody, incidents and RFG scoring;
- flags.py: risk flags raised by the risk-change jobs, and their acknowledgements.
"""

from casework.models.casefile import *  # noqa: F403
from casework.models.core import *  # noqa: F403
from casework.models.flags import *  # noqa: F403
from casework.models.legal import *  # noqa: F403
