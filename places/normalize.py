"""Address text as people type it → comparable tokens: «ул. Ленинская, д.12 к.2» ≈ «ленинская 12к2».

Pure functions: the registry stores `House.search` built with them, and the filing form's text is
compared through the same ones.
"""

import re

# Words of an address that say what something is, not which one: dropped before comparing.
KIND_WORDS = {
    "г",
    "город",
    "гор",
    "пгт",
    "п",
    "пос",
    "посёлок",
    "поселок",
    "с",
    "село",
    "д",
    "дер",
    "деревня",
    "ул",
    "улица",
    "пр",
    "пр-т",
    "прт",
    "просп",
    "проспект",
    "пер",
    "переулок",
    "ш",
    "шоссе",
    "б-р",
    "бр",
    "бульвар",
    "проезд",
    "пр-д",
    "наб",
    "набережная",
    "пл",
    "площадь",
    "мкр",
    "микрорайон",
    "тупик",
    "туп",
    "дом",
    "кв",
    "квартира",
    "край",
    "россия",
}
BUILDING_WORDS = {"к", "корп", "корпус", "стр", "строение", "лит", "литера"}
_SPLIT = re.compile(r"[^0-9a-zа-я/-]+")
# «12к2», «12 к 2», «12 корп. 2» all become «12» and «к2»
_BUILDING_GLUED = re.compile(r"^(\d+[а-я]?)(?:к|корп|стр)(\d+)$")


def clean(text: str) -> str:
    return (text or "").lower().replace("ё", "е")


def tokens(text: str) -> list[str]:
    """The meaningful words of an address, lower-case, ё→е, kind words and punctuation gone."""
    raw = []
    for part in _SPLIT.split(clean(text)):
        part = part.strip("-/")
        if not part:
            continue
        if "-" in part and part not in KIND_WORDS and not part[0].isdigit():
            raw.extend(piece for piece in part.split("-") if piece)  # Петропавловск-Камчатский
        else:
            raw.append(part)
    result: list[str] = []
    pending_building = False
    for word in raw:
        if word in BUILDING_WORDS:
            pending_building = True
            continue
        glued = _BUILDING_GLUED.match(word)
        if glued:
            result += [glued.group(1), f"к{glued.group(2)}"]
        elif pending_building:
            result.append(f"к{word}")
        elif word not in KIND_WORDS and not (word.isdigit() and len(word) == 6):  # a postcode
            result.append(word)
        pending_building = False
    return result


def building_token(building: str) -> str:
    value = "".join(tokens(building)) if building else ""
    value = value.removeprefix("к")
    return f"к{value}" if value else ""


def house_search(*, settlement: str, street: str, number: str, building: str) -> str:
    """The stored search text of a house: its tokens between spaces, so « 12 » matches a whole word."""
    words = tokens(settlement) + tokens(street) + tokens(number)
    if building:
        words.append(building_token(building))
    return " " + " ".join(words) + " "


def core_tokens(*, street: str, number: str, building: str) -> set[str]:
    """What must appear in a typed address for it to name exactly this house."""
    words = set(tokens(street)) | set(tokens(number))
    if building:
        words.add(building_token(building))
    return words
