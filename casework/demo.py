"""Casework demo data: the case file part first, then orders, custody and incidents."""

from casework import demo_casefile, demo_legal


def seed(world) -> None:
    demo_casefile.seed(world)
    demo_legal.seed(world)
    from casework import demo_flags  # risk flags last: they read what the other parts seeded

    demo_flags.seed(world)
