"""Victim-survivors' own support records, held by the IDVA service and kept apart.

- core.py: Victim, VictimLink and the object grants (other apps build on these);
- restricted.py: victim-restricted data (addresses, contacts, safety plan, children...);
- dash.py: the DASH instrument and completed assessments;
- support.py: shared notes, consent ledger, outcomes and new-partner notices.

Only the victim's IDVA team (and users granted access) can reach a Victim row. Everything
that could locate or contact the victim lives in restricted models keyed to Victim and is
read only through victims.selectors. The perpetrator's side sees a safe view (victims.safe_view).
"""

from victims.models.core import *  # noqa: F403
from victims.models.dash import *  # noqa: F403
from victims.models.restricted import *  # noqa: F403
from victims.models.support import *  # noqa: F403
