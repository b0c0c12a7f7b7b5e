"""Demo reference data for reports: population shares for both areas and the cost assumptions.

The casework, victims, referrals and panels demos provide the cases the reports count.
Idempotent: get_or_create never overwrites what an administrator has changed.
"""

from __future__ import annotations

from decimal import Decimal

from reports.models import Characteristic, CostAssumption, PopulationShare

DEMO_SOURCE = (
    "Illustrative demo figures in the shape of ONS Census 2021 tables "
    "(TS021 ethnic group, TS007A age, TS078 gender identity, TS038 disability, TS077 sexual orientation)"
)

# Shares of the adult population (16 and over) among those who answered; each characteristic sums to 100.
POPULATION = {
    "north": {
        Characteristic.ETHNICITY: {
            "white": "86.0",
            "asian": "7.2",
            "black": "2.6",
            "mixed": "2.6",
            "other": "1.6",
        },
        Characteristic.AGE_BAND: {
            "under_18": "3.0",
            "18_24": "10.4",
            "25_34": "15.8",
            "35_44": "15.2",
            "45_54": "16.1",
            "55_64": "16.0",
            "65_plus": "23.5",
        },
        Characteristic.GENDER: {"female": "51.2", "male": "48.6", "non_binary": "0.1", "other": "0.1"},
        Characteristic.DISABILITY: {"yes": "19.2", "no": "80.8"},
        Characteristic.SEXUALITY: {
            "heterosexual": "96.8",
            "gay_lesbian": "1.5",
            "bisexual": "1.3",
            "other": "0.4",
        },
    },
    "south": {
        Characteristic.ETHNICITY: {
            "white": "71.5",
            "asian": "14.6",
            "black": "7.8",
            "mixed": "3.6",
            "other": "2.5",
        },
        Characteristic.AGE_BAND: {
            "under_18": "3.1",
            "18_24": "11.9",
            "25_34": "19.6",
            "35_44": "17.0",
            "45_54": "15.5",
            "55_64": "13.9",
            "65_plus": "19.0",
        },
        Characteristic.GENDER: {"female": "51.0", "male": "48.8", "non_binary": "0.1", "other": "0.1"},
        Characteristic.DISABILITY: {"yes": "16.4", "no": "83.6"},
        Characteristic.SEXUALITY: {
            "heterosexual": "95.9",
            "gay_lesbian": "2.0",
            "bisexual": "1.6",
            "other": "0.5",
        },
    },
}

COSTS = [
    {
        "basis": CostAssumption.Basis.CASES_ABUSE_REDUCED,
        "name": "Cost of a MARAC case",
        "unit_cost": Decimal("63500.00"),
        "avoided_percent": Decimal("25.0"),
        "source": "£63,500 per MARAC case, including costs for both the victim-survivor and the perpetrator "
        "(police, other criminal justice, mental and physical health, substance use, children's services, "
        "housing): Appendix 8 of the University of Bristol's evaluation of the Drive Project (2019), as cited "
        "in Respect, 'Commissioning Guidance: Responding to perpetrators of domestic abuse' (May 2022).",
        "assumption": "Where physical abuse stopped or reduced between intake and exit, a quarter of the cost "
        "of one MARAC case is assumed to be avoided. This is a cautious local assumption, not a published "
        "figure: set it to your own.",
    },
    {
        "basis": CostAssumption.Basis.VICTIMS_RISK_REDUCED,
        "name": "Cost of domestic abuse for a single victim",
        "unit_cost": Decimal("34015.00"),
        "avoided_percent": Decimal("25.0"),
        "source": "£34,015 average cost for a single victim: Home Office, 'The economic and social costs of "
        "domestic abuse' (2019), as cited in Respect, 'Commissioning Guidance: Responding to perpetrators of "
        "domestic abuse' (May 2022).",
        "assumption": "Where a victim-survivor's IDVA-assessed risk fell between intake and exit, a quarter of "
        "the average cost for a single victim is assumed to be avoided. A cautious local assumption: set it to "
        "your own.",
    },
]


def seed(world) -> None:
    for area_code, characteristics in POPULATION.items():
        area = world.areas[area_code]
        for characteristic, categories in characteristics.items():
            for category, percent in categories.items():
                PopulationShare.objects.get_or_create(
                    area=area,
                    characteristic=characteristic,
                    category=category,
                    defaults={"percent": Decimal(percent), "source": DEMO_SOURCE},
                )
    for cost in COSTS:
        CostAssumption.objects.get_or_create(
            basis=cost["basis"], defaults={k: v for k, v in cost.items() if k != "basis"}
        )
