"""Load Tideline's paraphrased DASH checklist (version "paraphrased-2026").

These are Tideline's own paraphrases of the 24 SafeLives DASH questions, so the checklist
works out of the box. Areas holding a SafeLives licence can load the exact wording as a new
DashInstrument version in admin; completed checklists keep the version they used.

Self-contained, as a migration must be: the questions are written here, not imported from the
app, so later changes to app code cannot change what this migration installs.
"""

from django.db import migrations

VERSION = "paraphrased-2026"

QUESTIONS = [
    "Did the latest incident leave the victim injured?",
    "Is the victim very frightened?",
    "Is the victim afraid of further harm, of being killed, or of harm to someone else?",
    "Is the victim cut off from family or friends?",
    "Is the victim feeling low, depressed or having thoughts of suicide?",
    "Has the victim separated, or tried to separate, from the abuser in the last year?",
    "Is there conflict over contact with children?",
    "Does the abuser keep contacting, following, watching or harassing the victim?",
    "Is the victim pregnant, or have they had a baby in the last 18 months?",
    "Is the abuse happening more often?",
    "Is the abuse getting worse?",
    "Does the abuser try to control everything the victim does, or show extreme jealousy?",
    "Has the abuser used a weapon or an object to hurt the victim?",
    "Has the abuser threatened to kill the victim or anyone else?",
    "Has the abuser ever tried to strangle, choke, suffocate or drown the victim?",
    "Does the abuser do or say sexual things that hurt the victim or make them feel bad?",
    "Is anyone else threatening the victim, or is the victim afraid of anyone else?",
    "Has the abuser hurt anyone else that the victim knows of (children, relatives, past partners)?",
    "Has the abuser ever hurt or mistreated an animal or pet?",
    "Are there financial problems (for example dependence on the abuser, debt, job loss)?",
    "Has the abuser had problems with drink, drugs or mental health in the last year?",
    "Has the abuser ever threatened or tried suicide?",
    "Has the abuser ever broken bail, an injunction or an agreement about contact?",
    "Has the abuser been in trouble with the police or got a criminal record?",
]


def load(apps, schema_editor):
    DashInstrument = apps.get_model("victims", "DashInstrument")
    if not DashInstrument.objects.filter(version=VERSION).exists():
        DashInstrument.objects.create(
            version=VERSION,
            title="DASH risk identification checklist (paraphrased)",
            questions=[{"number": n, "text": text} for n, text in enumerate(QUESTIONS, start=1)],
            active=not DashInstrument.objects.filter(active=True).exists(),
            escalation_incidents=3,
        )


class Migration(migrations.Migration):
    dependencies = [("victims", "0002_historicalvictim_disability_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
