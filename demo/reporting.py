"""The demo's thematic classifier: the shipped excerpt (reporting/data/classifier_demo.csv) and
the heading each demo category's appeals are reported under.

The excerpt follows the structure of the typical all-Russian classifier (section, theme group,
theme, question) for the questions the demo categories need; an operator loads the official
edition with `manage.py import_classifier FILE` and remaps the categories in the admin.
"""

from organizations.models import Category
from reporting.management.commands.import_classifier import DEMO_FILE
from reporting.services import import_classifier, map_categories, read_classifier

CATEGORY_CODES = {
    "no-heating": "0005.0005.0056.1156",
    "no-water": "0005.0005.0056.1155",
    "power-outage": "0005.0005.0056.1153",
    "roof-leak": "0005.0005.0056.1164",
    "building-maintenance": "0005.0005.0056.1162",
    "capital-repair": "0005.0005.0055.1130",
    "utility-bills": "0005.0005.0056.1158",
    "potholes": "0003.0009.0099.0742",
    "snow-removal": "0003.0009.0099.0743",
    "traffic-lights": "0003.0009.0099.0745",
    "road-construction": "0003.0009.0099.0747",
    "sidewalks": "0003.0009.0099.0748",
    "street-lighting": "0003.0009.0100.0755",
    "playgrounds": "0003.0009.0100.0757",
    "trees": "0003.0009.0100.0759",
    "stray-animals": "0003.0011.0122.0826",
    "uncollected-waste": "0005.0005.0056.1160",
    "illegal-dump": "0005.0005.0056.1161",
    "container-sites": "0005.0005.0056.1166",
    "schedule": "0003.0009.0097.0700",
    "routes-stops": "0003.0009.0097.0702",
    "air-service": "0003.0009.0097.0706",
    "doctor-appointment": "0002.0007.0071.0263",
    "medicines": "0002.0007.0071.0266",
    "ambulance": "0002.0007.0071.0268",
    "care-quality": "0002.0007.0071.0270",
    "kindergarten-queue": "0002.0006.0064.0210",
    "school-meals": "0002.0006.0064.0214",
    "school-transport": "0002.0006.0064.0216",
    "school-repairs": "0002.0006.0064.0218",
    "social-support": "0002.0013.0139.0595",
    "svo-support": "0002.0013.0139.0598",
    "accessible-environment": "0001.0001.0011.0033",
    "no-mobile-signal": "0001.0003.0031.0175",
    "internet-access": "0001.0003.0031.0176",
    "water-pollution": "0003.0011.0122.0820",
    "air-emissions": "0003.0011.0122.0822",
    "culture-institutions": "0002.0006.0067.0240",
    "sports-facilities": "0002.0007.0074.0288",
    "fire-safety": "0004.0016.0160.0990",
    "dilapidated-buildings": "0005.0005.0055.1134",
}


def load_demo_classifier(*, leaves: dict[str, Category]) -> str:
    result = import_classifier(rows=read_classifier(DEMO_FILE.read_text(encoding="utf-8")))
    mapped = map_categories(
        mapping={leaves[slug].pk: code for slug, code in CATEGORY_CODES.items() if slug in leaves}
    )
    return (
        f"Тематический классификатор: рубрик создано {result.created}, обновлено "
        f"{result.updated}; категорий сопоставлено {mapped}"
    )
