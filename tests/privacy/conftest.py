"""The access reviews' records: a case (tests/casework) and a victim-survivor linked to one (tests/victims)."""

from tests.casework.conftest import case, instruments, make_case  # noqa: F401  (fixtures)
from tests.victims.conftest import case_north, make_victim, victim  # noqa: F401  (fixtures)
