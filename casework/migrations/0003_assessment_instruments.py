"""Ship the first version of each assessment instrument (paraphrased wording; admins may add versions)."""

from django.db import migrations

SEVERITY = [["none", "None"], ["low", "Low"], ["medium", "Medium"], ["high", "High"]]
YES_NO_UNKNOWN = [["yes", "Yes"], ["no", "No"], ["unknown", "Don't know"]]
NEED_DOMAINS = [
    ("children_family", "Children, family and parenting"),
    ("mental_health", "Mental health"),
    ("substance_misuse", "Substance misuse"),
    ("housing", "Housing"),
    ("finance", "Finance"),
    ("employment", "Employment, education and training"),
    ("physical_health", "Physical health"),
    ("other", "Other"),
]
PPIT_ITEMS = [
    "Has abused more than one partner or family member",
    "Has breached a court order, bail or licence condition",
    "Has used or threatened to use a weapon",
    "Has strangled, choked or suffocated a partner",
    "Stalks or harasses a partner or ex-partner",
    "Has harmed or threatened children or others in the household",
    "The abuse is becoming more frequent or more serious",
    "Misuses alcohol or drugs in a way linked to the abuse",
    "Has threatened to kill a partner, children or themselves",
    "A separation is recent or pending",
]

INSTRUMENTS = [
    {
        "code": "needs",
        "name": "Needs assessment",
        "description": "How severe each area of need is, with notes. Goals in the support plan follow from it.",
        "structure": [
            question
            for key, label in NEED_DOMAINS
            for question in (
                {"key": key, "label": label, "type": "severity"},
                {"key": f"{key}_notes", "label": f"{label}: notes", "type": "text"},
            )
        ],
    },
    {
        "code": "ace",
        "name": "Adverse childhood experiences",
        "description": "How many of the ten adverse childhood experiences the person reports.",
        "structure": [
            {
                "key": "ace_count",
                "label": "Number of adverse childhood experiences",
                "type": "number",
                "min": 0,
                "max": 10,
            },
            {"key": "notes", "label": "Notes", "type": "text"},
        ],
    },
    {
        "code": "motivation",
        "name": "Motivation and readiness to change",
        "description": "Where the person is in the stages of change, and how motivated they seem.",
        "structure": [
            {
                "key": "stage",
                "label": "Stage of change",
                "type": "choice",
                "choices": [
                    ["precontemplation", "Precontemplation: does not see a problem"],
                    ["contemplation", "Contemplation: thinking about change"],
                    ["preparation", "Preparation: getting ready to change"],
                    ["action", "Action: making changes"],
                    ["maintenance", "Maintenance: keeping changes going"],
                ],
            },
            {
                "key": "motivation",
                "label": "Motivation to engage",
                "type": "choice",
                "choices": [["low", "Low"], ["medium", "Medium"], ["high", "High"]],
            },
            {"key": "notes", "label": "What the person says about change", "type": "text"},
        ],
    },
    {
        "code": "risk_summary",
        "name": "Risk summary",
        "description": "Who is at risk, from what, how soon, and what makes it better or worse.",
        "structure": [
            {"key": "risk_to_partner", "label": "Risk to partner or ex-partner", "type": "severity"},
            {"key": "risk_to_children", "label": "Risk to children", "type": "severity"},
            {"key": "risk_to_others", "label": "Risk to others", "type": "severity"},
            {"key": "nature", "label": "Nature of the risk", "type": "text"},
            {"key": "imminence", "label": "How soon harm could happen", "type": "text"},
            {"key": "increasing", "label": "What would make the risk worse", "type": "text"},
            {"key": "decreasing", "label": "What would make the risk lower", "type": "text"},
        ],
    },
    {
        "code": "ppit",
        "name": "Priority perpetrator assessment (PPIT-style)",
        "description": "Ten questions that help decide whether the person is a priority perpetrator. Paraphrased wording: load the licensed text as a new version.",
        "structure": [
            *[
                {
                    "key": f"item_{n}",
                    "label": label,
                    "type": "choice",
                    "choices": YES_NO_UNKNOWN,
                    "scored": True,
                }
                for n, label in enumerate(PPIT_ITEMS, start=1)
            ],
            {"key": "rationale", "label": "Professional judgement and rationale", "type": "text"},
        ],
    },
]


def install(apps, schema_editor):
    Instrument = apps.get_model("casework", "AssessmentInstrument")
    for spec in INSTRUMENTS:
        Instrument.objects.get_or_create(
            code=spec["code"],
            version=1,
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "structure": spec["structure"],
                "active": True,
            },
        )


def uninstall(apps, schema_editor):
    apps.get_model("casework", "AssessmentInstrument").objects.filter(
        code__in=[spec["code"] for spec in INSTRUMENTS], version=1, assessments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_casefile")]

    operations = [migrations.RunPython(install, uninstall)]
