"""Demo data for Kamchatka Krai (region 41), read by `manage.py load_demo`.

Plain constants only: the command turns them into regions, municipalities, organizations, the
category tree, routing rules and demo accounts. Names are in Russian because they are shown to
citizens; slugs are ASCII and stable, they are the natural keys that make the command idempotent.
"""

TOTAL_ORGANIZATIONS = 769
ID_SEED = 41  # random.Random seed of INN/OGRN numbers
DETAIL_SEED = 4141  # random.Random seed of cosmetic details (addresses, phones, house names)

REGION = {"code": "41", "name": "Камчатский край", "timezone": "Asia/Kamchatka"}
REGION_CAPITAL = {"postcode": "683000", "locality": "г. Петропавловск-Камчатский", "phone_code": "4152"}

# key: ASCII part of slugs; weight: share of municipal organizations (by population);
# genitive: "Администрация …"; adj_f / adj_m: adjectives of the centre for institution names;
# tax_office: first four INN digits (tax inspectorate) of organizations registered there.
MUNICIPALITIES = [
    {
        "key": "petropavlovsk",
        "name": "Петропавловск-Камчатский городской округ",
        "kind": "urban_okrug",
        "centre": "Петропавловск-Камчатский",
        "lat": "53.02",
        "lon": "158.65",
        "weight": 0.55,
        "genitive": "Петропавловск-Камчатского городского округа",
        "adj_f": "Петропавловская",
        "adj_m": "Петропавловский",
        "locality": "г. Петропавловск-Камчатский",
        "postcode": "683000",
        "phone_code": "4152",
        "tax_office": "4101",
    },
    {
        "key": "vilyuchinsk",
        "name": "Вилючинский городской округ",
        "kind": "urban_okrug",
        "centre": "Вилючинск",
        "lat": "52.93",
        "lon": "158.40",
        "weight": 0.06,
        "genitive": "Вилючинского городского округа",
        "adj_f": "Вилючинская",
        "adj_m": "Вилючинский",
        "locality": "г. Вилючинск",
        "postcode": "684090",
        "phone_code": "41535",
        "tax_office": "4102",
    },
    {
        "key": "palana",
        "name": "Городской округ «посёлок Палана»",
        "kind": "urban_okrug",
        "centre": "Палана",
        "lat": "59.08",
        "lon": "159.95",
        "weight": 0.01,
        "genitive": "городского округа «посёлок Палана»",
        "adj_f": "Паланская",
        "adj_m": "Паланский",
        "locality": "пгт Палана",
        "postcode": "688000",
        "phone_code": "41543",
        "tax_office": "4103",
    },
    {
        "key": "elizovo",
        "name": "Елизовский муниципальный район",
        "kind": "district",
        "centre": "Елизово",
        "lat": "53.18",
        "lon": "158.38",
        "weight": 0.20,
        "genitive": "Елизовского муниципального района",
        "adj_f": "Елизовская",
        "adj_m": "Елизовский",
        "locality": "г. Елизово",
        "postcode": "684000",
        "phone_code": "41531",
        "tax_office": "4105",
    },
    {
        "key": "aleut",
        "name": "Алеутский муниципальный округ",
        "kind": "municipal_okrug",
        "centre": "Никольское",
        "lat": "55.20",
        "lon": "165.98",
        "weight": 0.005,
        "genitive": "Алеутского муниципального округа",
        "adj_f": "Никольская",
        "adj_m": "Никольский",
        "locality": "с. Никольское",
        "postcode": "684500",
        "phone_code": "41547",
        "tax_office": "4105",
    },
    {
        "key": "bystrinsky",
        "name": "Быстринский муниципальный район",
        "kind": "district",
        "centre": "Эссо",
        "lat": "55.93",
        "lon": "158.70",
        "weight": 0.01,
        "genitive": "Быстринского муниципального района",
        "adj_f": "Эссовская",
        "adj_m": "Эссовский",
        "locality": "с. Эссо",
        "postcode": "684350",
        "phone_code": "41542",
        "tax_office": "4106",
    },
    {
        "key": "milkovo",
        "name": "Мильковский муниципальный округ",
        "kind": "municipal_okrug",
        "centre": "Мильково",
        "lat": "54.70",
        "lon": "158.62",
        "weight": 0.03,
        "genitive": "Мильковского муниципального округа",
        "adj_f": "Мильковская",
        "adj_m": "Мильковский",
        "locality": "с. Мильково",
        "postcode": "684300",
        "phone_code": "41533",
        "tax_office": "4106",
    },
    {
        "key": "sobolevo",
        "name": "Соболевский муниципальный район",
        "kind": "district",
        "centre": "Соболево",
        "lat": "54.30",
        "lon": "155.95",
        "weight": 0.01,
        "genitive": "Соболевского муниципального района",
        "adj_f": "Соболевская",
        "adj_m": "Соболевский",
        "locality": "с. Соболево",
        "postcode": "684200",
        "phone_code": "41536",
        "tax_office": "4108",
    },
    {
        "key": "ust-bolsheretsk",
        "name": "Усть-Большерецкий муниципальный район",
        "kind": "district",
        "centre": "Усть-Большерецк",
        "lat": "52.83",
        "lon": "156.28",
        "weight": 0.02,
        "genitive": "Усть-Большерецкого муниципального района",
        "adj_f": "Усть-Большерецкая",
        "adj_m": "Усть-Большерецкий",
        "locality": "с. Усть-Большерецк",
        "postcode": "684100",
        "phone_code": "41532",
        "tax_office": "4108",
    },
    {
        "key": "ust-kamchatsk",
        "name": "Усть-Камчатский муниципальный округ",
        "kind": "municipal_okrug",
        "centre": "Усть-Камчатск",
        "lat": "56.22",
        "lon": "162.48",
        "weight": 0.03,
        "genitive": "Усть-Камчатского муниципального округа",
        "adj_f": "Усть-Камчатская",
        "adj_m": "Усть-Камчатский",
        "locality": "п. Усть-Камчатск",
        "postcode": "684415",
        "phone_code": "41534",
        "tax_office": "4109",
    },
    {
        "key": "karaginsky",
        "name": "Карагинский муниципальный район",
        "kind": "district",
        "centre": "Оссора",
        "lat": "59.25",
        "lon": "163.07",
        "weight": 0.01,
        "genitive": "Карагинского муниципального района",
        "adj_f": "Оссорская",
        "adj_m": "Оссорский",
        "locality": "пгт Оссора",
        "postcode": "688700",
        "phone_code": "41545",
        "tax_office": "4103",
    },
    {
        "key": "olyutorsky",
        "name": "Олюторский муниципальный район",
        "kind": "district",
        "centre": "Тиличики",
        "lat": "60.43",
        "lon": "166.05",
        "weight": 0.01,
        "genitive": "Олюторского муниципального района",
        "adj_f": "Тиличикская",
        "adj_m": "Тиличикский",
        "locality": "с. Тиличики",
        "postcode": "688800",
        "phone_code": "41544",
        "tax_office": "4103",
    },
    {
        "key": "penzhinsky",
        "name": "Пенжинский муниципальный район",
        "kind": "district",
        "centre": "Каменское",
        "lat": "62.47",
        "lon": "166.20",
        "weight": 0.005,
        "genitive": "Пенжинского муниципального района",
        "adj_f": "Каменская",
        "adj_m": "Каменский",
        "locality": "с. Каменское",
        "postcode": "688850",
        "phone_code": "41546",
        "tax_office": "4103",
    },
    {
        "key": "tigil",
        "name": "Тигильский муниципальный округ",
        "kind": "municipal_okrug",
        "centre": "Тигиль",
        "lat": "57.76",
        "lon": "158.67",
        "weight": 0.01,
        "genitive": "Тигильского муниципального округа",
        "adj_f": "Тигильская",
        "adj_m": "Тигильский",
        "locality": "с. Тигиль",
        "postcode": "688600",
        "phone_code": "41537",
        "tax_office": "4103",
    },
]

# --- Regional bodies ---------------------------------------------------------------------------
# (slug, name, short_name, kind). Regional bodies serve the whole region: no municipalities.
REGIONAL_BODIES = [
    (
        "min-housing",
        "Министерство жилищно-коммунального хозяйства и энергетики Камчатского края",
        "Минжилкомэнерго Камчатского края",
        "executive_body",
    ),
    (
        "min-transport",
        "Министерство транспорта и дорожного строительства Камчатского края",
        "Минтранс Камчатского края",
        "executive_body",
    ),
    ("min-health", "Министерство здравоохранения Камчатского края", "Минздрав Камчатского края", "executive_body"),
    ("min-education", "Министерство образования Камчатского края", "Минобразования Камчатского края", "executive_body"),
    (
        "min-social",
        "Министерство социального благополучия и семейной политики Камчатского края",
        "Минсоцблагополучия Камчатского края",
        "executive_body",
    ),
    ("min-digital", "Министерство цифрового развития Камчатского края", "Минцифры Камчатского края", "executive_body"),
    (
        "min-nature",
        "Министерство природных ресурсов и экологии Камчатского края",
        "Минприроды Камчатского края",
        "executive_body",
    ),
    ("min-culture", "Министерство культуры Камчатского края", "Минкультуры Камчатского края", "executive_body"),
    ("min-sport", "Министерство спорта Камчатского края", "Минспорт Камчатского края", "executive_body"),
    (
        "min-construction",
        "Министерство строительства и жилищной политики Камчатского края",
        "Минстрой Камчатского края",
        "executive_body",
    ),
    (
        "min-emergency",
        "Министерство по чрезвычайным ситуациям Камчатского края",
        "МЧС Камчатского края",
        "executive_body",
    ),
    (
        "housing-inspection",
        "Инспекция государственного жилищного надзора Камчатского края",
        "Госжилинспекция Камчатского края",
        "executive_body",
    ),
    ("vet-agency", "Агентство по ветеринарии Камчатского края", "Ветагентство Камчатского края", "executive_body"),
    ("min-finance", "Министерство финансов Камчатского края", "Минфин Камчатского края", "executive_body"),
    (
        "min-economy",
        "Министерство экономического развития Камчатского края",
        "Минэкономразвития Камчатского края",
        "executive_body",
    ),
    (
        "min-agriculture",
        "Министерство сельского хозяйства, пищевой и перерабатывающей промышленности Камчатского края",
        "Минсельхозпищепром Камчатского края",
        "executive_body",
    ),
    ("min-fisheries", "Министерство рыбного хозяйства Камчатского края", "Минрыбхоз Камчатского края", "executive_body"),
    ("min-tourism", "Министерство туризма Камчатского края", "Минтуризм Камчатского края", "executive_body"),
    (
        "min-property",
        "Министерство имущественных и земельных отношений Камчатского края",
        "Минимущество Камчатского края",
        "executive_body",
    ),
    (
        "min-labour",
        "Министерство труда и развития кадрового потенциала Камчатского края",
        "Минтруд Камчатского края",
        "executive_body",
    ),
    (
        "tariff-service",
        "Региональная служба по тарифам и ценам Камчатского края",
        "РСТ Камчатского края",
        "executive_body",
    ),
    (
        "construction-inspection",
        "Инспекция государственного строительного надзора Камчатского края",
        "Госстройнадзор Камчатского края",
        "executive_body",
    ),
    (
        "capital-repair-fund",
        "Фонд капитального ремонта многоквартирных домов Камчатского края",
        "Фонд капремонта Камчатского края",
        "other",
    ),
]

# --- Municipal administrations -----------------------------------------------------------------
# Settlements of the municipal districts: (key, genitive). Their administrations are subordinate
# to the district administration for the demo (the «head» sees their appeals too).
SETTLEMENTS = {
    "elizovo": [
        ("elizovskoe", "Елизовского городского поселения"),
        ("vulkannoe", "Вулканного городского поселения"),
        ("paratunskoe", "Паратунского сельского поселения"),
        ("novoavachinskoe", "Новоавачинского сельского поселения"),
        ("nikolaevskoe", "Николаевского сельского поселения"),
        ("razdolnenskoe", "Раздольненского сельского поселения"),
        ("koryakskoe", "Корякского сельского поселения"),
        ("pionerskoe", "Пионерского сельского поселения"),
        ("nachikinskoe", "Начикинского сельского поселения"),
        ("novolesnovskoe", "Новолесновского сельского поселения"),
    ],
    "ust-bolsheretsk": [
        ("ust-bolsheretskoe", "Усть-Большерецкого сельского поселения"),
        ("apachinskoe", "Апачинского сельского поселения"),
        ("kavalerskoe", "Кавалерского сельского поселения"),
        ("oktyabrskoe", "Октябрьского городского поселения"),
        ("ozernovskoe", "Озерновского городского поселения"),
        ("zaporozhskoe", "Запорожского сельского поселения"),
    ],
    "sobolevo": [
        ("sobolevskoe", "Соболевского сельского поселения"),
        ("ustevoe", "Устьевого сельского поселения"),
        ("krutogorovskoe", "Крутогоровского сельского поселения"),
    ],
    "bystrinsky": [
        ("essovskoe", "Эссовского сельского поселения"),
        ("anavgayskoe", "Анавгайского сельского поселения"),
    ],
    "karaginsky": [
        ("ossora", "городского поселения «посёлок Оссора»"),
        ("karaga", "сельского поселения «село Карага»"),
        ("ilpyrskoe", "сельского поселения «село Ильпырское»"),
        ("tymlat", "сельского поселения «село Тымлат»"),
        ("ivashka", "сельского поселения «село Ивашка»"),
    ],
    "olyutorsky": [
        ("tilichiki", "сельского поселения «село Тиличики»"),
        ("apuka", "сельского поселения «село Апука»"),
        ("achayvayam", "сельского поселения «село Ачайваям»"),
        ("vyvenka", "сельского поселения «село Вывенка»"),
        ("pakhachi", "сельского поселения «село Пахачи»"),
        ("srednie-pakhachi", "сельского поселения «село Средние Пахачи»"),
        ("khailino", "сельского поселения «село Хаилино»"),
    ],
    "penzhinsky": [
        ("kamenskoe", "сельского поселения «село Каменское»"),
        ("manily", "сельского поселения «село Манилы»"),
        ("ayanka", "сельского поселения «село Аянка»"),
        ("talovka", "сельского поселения «село Таловка»"),
        ("slautnoe", "сельского поселения «село Слаутное»"),
        ("paren", "сельского поселения «село Парень»"),
        ("oklan", "сельского поселения «село Оклан»"),
    ],
}

# --- Housing and utilities ---------------------------------------------------------------------
MANAGEMENT_COMPANIES_TOTAL = 150  # «ООО „УК …“» and «ТСЖ „…“», spread by municipality weight

MANAGEMENT_COMPANY_WORDS = [
    "Авача", "Вулкан", "Ключевская", "Мутновка", "Корякская сопка", "Парус", "Маяк", "Океан",
    "Бухта", "Гейзер", "Жилсервис", "Домострой", "Уютный дом", "Наш дом", "Комфорт", "Стандарт",
    "Прогресс", "Партнёр", "Регион-Сервис", "ЖилКомСервис", "Управдом", "Горизонт", "Эталон",
    "Альянс", "Профи", "Доверие", "Содружество", "Надежда", "Светлый дом", "Восход", "Рассвет",
    "Заря", "Янтарь", "Фортуна", "Гарант", "Лидер", "Приморье", "Тихий океан", "Командоры",
    "Авачинская бухта", "Северный квартал", "Жилфонд", "Жилищник", "Камчатка-Дом", "Сероглазка",
    "Кирпичики", "Северо-Восток", "Никольская сопка", "Радуга", "Дальний Восток", "Петровский",
    "Новый дом", "Домовой", "Добрый дом", "Тёплый дом", "Квартал", "Городок", "Солнечный",
    "Анавгай", "Паратунка", "Камчатский дом", "ЖЭУ-1", "ЖЭУ-2", "ЖЭУ-3", "Сервис-Плюс",
    "Вилюй", "Горячий ключ", "Морской", "Завойко", "Халактырка", "Мишенная", "Кутх", "Апрель",
    "Северная звезда", "Полюс", "Сопка", "Берег", "Причал", "Фрегат", "Лотос", "Престиж",
    "Аметист", "Сфера", "Центр", "Магистраль", "Дельта", "Вектор", "Гранит", "Меридиан",
    "Спектр", "Триумф", "Успех", "Опора", "Основа", "Рубеж", "Семья", "Дом-Сервис",
]

STREETS = {
    "petropavlovsk": [
        "Ленинская", "Пограничная", "Ключевская", "Вулканная", "Советская", "Океанская",
        "Тундровая", "Дальневосточная", "Академика Королёва", "Циолковского", "Бохняка",
        "Кавказская", "Виталия Кручины", "Якорная", "Карбышева", "Владивостокская", "Мишенная",
        "Топоркова", "Морская", "Рябиковская", "Партизанская", "Индустриальная", "Лукашевского",
        "Звёздная", "Петропавловское шоссе", "проспект Победы", "проспект Рыбаков",
        "проспект 50 лет Октября", "Степная", "Механизации",
    ],
    "vilyuchinsk": ["Победы", "Мира", "Кронштадтская", "Владивостокская", "Приморская", "Гусарова"],
    "elizovo": [
        "Ленина", "Завойко", "Рябикова", "Чернышевского", "Пограничная", "Виталия Кручины",
        "Садовая", "Беринга", "Магистральная", "Звёздная", "Красноярская",
    ],
}
DEFAULT_STREETS = [
    "Ленина", "Советская", "Школьная", "Набережная", "Комсомольская", "Садовая", "Центральная",
    "Мира", "Лесная", "Молодёжная", "Октябрьская", "Партизанская",
]

# (slug, name, resources, municipality keys). The order matters: for a municipality the first
# supplier of a resource receives the appeals about it.
RESOURCE_SUPPLIERS = [
    ("kamchatskenergo", "ПАО «Камчатскэнерго»", ("heat", "electricity"), ("petropavlovsk", "elizovo", "vilyuchinsk")),
    ("kamchatsky-vodokanal", "КГУП «Камчатский водоканал»", ("water",), ("petropavlovsk", "elizovo", "vilyuchinsk")),
    (
        "kamchatenergoservis",
        "АО «Камчатэнергосервис»",
        ("heat", "water"),
        ("aleut", "bystrinsky", "milkovo", "sobolevo", "ust-bolsheretsk", "ust-kamchatsk"),
    ),
    (
        "koryakenergo",
        "АО «Корякэнерго»",
        ("electricity", "heat"),
        ("palana", "karaginsky", "olyutorsky", "penzhinsky", "tigil"),
    ),
    (
        "yuesk",
        "АО «Южные электрические сети Камчатки»",
        ("electricity",),
        ("elizovo", "aleut", "bystrinsky", "milkovo", "sobolevo", "ust-bolsheretsk", "ust-kamchatsk"),
    ),
    (
        "gazprom-gr-dv",
        "АО «Газпром газораспределение Дальний Восток»",
        ("gas",),
        ("petropavlovsk", "elizovo"),
    ),
    ("kamchatgazprom", "АО «Камчатгазпром»", ("gas",), ("petropavlovsk", "elizovo", "sobolevo", "ust-bolsheretsk")),
    (
        "kamchatstroyenergoservis",
        "ГУП «Камчатстройэнергосервис»",
        ("water",),
        ("palana", "karaginsky", "olyutorsky", "penzhinsky", "tigil"),
    ),
    (
        "vilyuchinsk-gts",
        "МУП «Городское тепловодоснабжение» Вилючинского городского округа",
        ("heat", "water"),
        ("vilyuchinsk",),
    ),
    ("oboronenergo-dv", "АО «Оборонэнерго», филиал «Дальневосточный»", ("electricity",), ("vilyuchinsk",)),
    ("elizovo-vodokanal", "МУП «Елизовский водоканал»", ("water",), ("elizovo",)),
    ("vulkanny-teploenergetik", "МУП «Теплоэнергетик» Вулканного городского поселения", ("heat", "water"), ("elizovo",)),
    ("paratunka-geoterm", "ООО «Паратунская геотермальная компания»", ("heat",), ("elizovo",)),
    ("milkovo-kommunal", "МУП «Мильковское коммунальное хозяйство»", ("water",), ("milkovo",)),
    ("klyuchi-teplo", "МУП «Ключевские тепловые сети»", ("heat", "water"), ("ust-kamchatsk",)),
    ("sobolevo-teplovodokanal", "МУП «Соболевский тепловодоканал»", ("heat", "water"), ("sobolevo",)),
    ("ozernovsky-kommunal", "МУП «Озерновское коммунальное хозяйство»", ("heat", "water"), ("ust-bolsheretsk",)),
    ("esso-geoterm", "МУП «Эссовская теплоэнергетическая компания»", ("heat", "water"), ("bystrinsky",)),
    ("nikolskoe-zhkh", "МУП «Никольское жилищно-коммунальное хозяйство»", ("heat", "water", "electricity"), ("aleut",)),
    ("palana-teploenergo", "МУП «Паланатеплоэнерго»", ("heat", "water"), ("palana",)),
]

WASTE_OPERATOR = (
    "waste-operator",
    "Региональный оператор по обращению с ТКО Камчатского края",
    "Регоператор ТКО",
)
# Hauliers: (slug, name, municipality keys); contractors of the regional operator.
WASTE_HAULIERS = [
    ("waste-spectrans", "ООО «Спецтранс»", ("petropavlovsk",)),
    ("waste-chisty-gorod", "ООО «Чистый город»", ("petropavlovsk", "vilyuchinsk")),
    ("waste-elizovo-sah", "МУП «Спецавтохозяйство Елизовского района»", ("elizovo",)),
    ("waste-ecoservice", "ООО «ЭкоСервис Камчатка»", ("elizovo", "ust-bolsheretsk", "sobolevo")),
    ("waste-sever-trans", "ООО «Северный транзит»", ("milkovo", "ust-kamchatsk", "bystrinsky")),
]

# --- Education ---------------------------------------------------------------------------------
# Regional institutions, subordinate to the Ministry of Education.
REGIONAL_EDUCATION = [
    ("edu-polytech", "КГПОАУ «Камчатский политехнический техникум»"),
    ("edu-pedcollege", "КГПОБУ «Камчатский педагогический колледж»"),
    ("edu-medcollege", "КГБПОУ «Камчатский медицинский колледж»"),
    ("edu-artcollege", "КГПОБУ «Камчатский колледж искусств»"),
    ("edu-agrotech", "КГПОБУ «Камчатский сельскохозяйственный техникум»"),
    ("edu-industrial", "КГПОБУ «Камчатский индустриальный техникум»"),
    ("edu-palana-college", "КГПОБУ «Паланский колледж»"),
    ("edu-cadet", "КГОАУ «Камчатский кадетский корпус»"),
    ("edu-boarding-ovz", "КГОБУ «Камчатская санаторная школа-интернат»"),
    ("edu-school-ovz-1", "КГОБУ «Петропавловск-Камчатская школа № 1 для обучающихся с ограниченными возможностями здоровья»"),
    ("edu-school-ovz-2", "КГОБУ «Петропавловск-Камчатская школа № 2 для обучающихся с ограниченными возможностями здоровья»"),
    ("edu-palace", "КГАУ ДО «Камчатский дворец детского творчества»"),
    ("edu-iro", "КГАУ ДПО «Камчатский институт развития образования»"),
    ("edu-testing", "КГАУ «Камчатский центр информатизации и оценки качества образования»"),
    ("edu-ppms", "КГБУ «Камчатский центр психолого-педагогической реабилитации и коррекции»"),
]
SCHOOLS_TOTAL = 130  # municipal schools; kindergartens fill the rest up to TOTAL_ORGANIZATIONS

KINDERGARTEN_NAMES = [
    "Солнышко", "Ромашка", "Берёзка", "Колокольчик", "Звёздочка", "Светлячок", "Радуга", "Теремок",
    "Сказка", "Золотой ключик", "Алёнушка", "Ласточка", "Рябинка", "Журавлик", "Медвежонок",
    "Снежинка", "Улыбка", "Чебурашка", "Капелька", "Дельфин", "Жемчужинка", "Белочка", "Огонёк",
    "Родничок", "Малыш", "Катюша", "Незабудка", "Ёлочка", "Росинка", "Пингвинёнок",
]

# --- Health care -------------------------------------------------------------------------------
# (slug, name, municipality key or None for regional). The first institution of a municipality
# receives its appointment and ambulance appeals.
HEALTH_CARE = [
    ("health-krai-hospital", "ГБУЗ «Камчатская краевая больница им. А.С. Лукашевского»", None),
    ("health-children-hospital", "ГБУЗ «Камчатская краевая детская больница»", None),
    ("health-oncology", "ГБУЗ «Камчатский краевой онкологический диспансер»", None),
    ("health-cardiology", "ГБУЗ «Камчатский краевой кардиологический диспансер»", None),
    ("health-tb", "ГБУЗ «Камчатский краевой противотуберкулёзный диспансер»", None),
    ("health-narcology", "ГБУЗ «Камчатский краевой наркологический диспансер»", None),
    ("health-psychiatry", "ГБУЗ «Камчатская краевая психиатрическая больница»", None),
    ("health-maternity", "ГБУЗ «Камчатский краевой родильный дом»", None),
    ("health-dermatology", "ГБУЗ «Камчатский краевой кожно-венерологический диспансер»", None),
    ("health-aids", "ГБУЗ «Камчатский краевой центр по профилактике и борьбе со СПИДом и инфекционными заболеваниями»", None),
    ("health-prevention", "ГБУЗ «Камчатский краевой центр общественного здоровья и медицинской профилактики»", None),
    ("health-blood", "ГБУЗ «Камчатская краевая станция переливания крови»", None),
    ("health-miac", "ГБУЗ «Камчатский краевой медицинский информационно-аналитический центр»", None),
    ("health-disaster", "ГБУЗ «Камчатский территориальный центр медицины катастроф»", None),
    ("health-veterans", "ГБУЗ «Камчатский краевой госпиталь для ветеранов войн»", None),
    ("health-dental", "ГБУЗ «Камчатская краевая стоматологическая поликлиника»", None),
    ("health-forensic", "ГБУЗ «Камчатское краевое бюро судебно-медицинской экспертизы»", None),
    ("health-rehab", "ГБУЗ «Камчатский краевой центр медицинской реабилитации»", None),
    ("health-pharmacy", "КГУП «Камчатфармация»", None),
    ("health-pk-polyclinic-1", "ГБУЗ «Петропавловск-Камчатская городская поликлиника № 1»", "petropavlovsk"),
    ("health-pk-polyclinic-3", "ГБУЗ «Петропавловск-Камчатская городская поликлиника № 3»", "petropavlovsk"),
    ("health-pk-children-polyclinic-1", "ГБУЗ «Петропавловск-Камчатская городская детская поликлиника № 1»", "petropavlovsk"),
    ("health-pk-children-polyclinic-2", "ГБУЗ «Петропавловск-Камчатская городская детская поликлиника № 2»", "petropavlovsk"),
    ("health-pk-hospital-2", "ГБУЗ «Петропавловск-Камчатская городская больница № 2»", "petropavlovsk"),
    ("health-pk-geriatric", "ГБУЗ «Петропавловск-Камчатская городская гериатрическая больница»", "petropavlovsk"),
    ("health-pk-dental", "ГБУЗ «Петропавловск-Камчатская городская стоматологическая поликлиника»", "petropavlovsk"),
    ("health-pk-children-dental", "ГБУЗ «Петропавловск-Камчатская городская детская стоматологическая поликлиника»", "petropavlovsk"),
    ("health-pk-ambulance", "ГБУЗ «Петропавловск-Камчатская городская станция скорой медицинской помощи»", "petropavlovsk"),
    ("health-pk-medlife", "ООО «Клиника „Медлайф“»", "petropavlovsk"),
    ("health-pk-avacha", "ООО «Медицинский центр „Авача“»", "petropavlovsk"),
    ("health-pk-ulybka", "ООО «Стоматология „Улыбка“»", "petropavlovsk"),
    ("health-pk-kamchatka-med", "ООО «Лечебно-диагностический центр „Камчатка-Мед“»", "petropavlovsk"),
    ("health-pk-family", "ООО «Клиника семейной медицины»", "petropavlovsk"),
    ("health-pk-mri", "ООО «Центр МРТ-диагностики „Вулкан“»", "petropavlovsk"),
    ("health-pk-lab", "ООО «Лабораторная служба „Камчатлаб“»", "petropavlovsk"),
    ("health-vilyuchinsk-hospital", "ГБУЗ «Вилючинская городская больница»", "vilyuchinsk"),
    ("health-vilyuchinsk-dental", "ООО «Стоматологическая клиника „Вилюй“»", "vilyuchinsk"),
    ("health-palana-hospital", "ГБУЗ «Корякская окружная больница»", "palana"),
    ("health-elizovo-hospital", "ГБУЗ «Елизовская районная больница»", "elizovo"),
    ("health-elizovo-polyclinic", "ГБУЗ «Елизовская районная поликлиника»", "elizovo"),
    ("health-elizovo-dental", "ГБУЗ «Елизовская районная стоматологическая поликлиника»", "elizovo"),
    ("health-paratunka-hospital", "ГБУЗ «Паратунская участковая больница»", "elizovo"),
    ("health-elizovo-zdorovie", "ООО «Медицинский центр „Здоровье“»", "elizovo"),
    ("health-aleut-hospital", "ГБУЗ «Никольская районная больница»", "aleut"),
    ("health-bystrinsky-hospital", "ГБУЗ «Быстринская районная больница»", "bystrinsky"),
    ("health-milkovo-hospital", "ГБУЗ «Мильковская районная больница»", "milkovo"),
    ("health-atlasovo-hospital", "ГБУЗ «Атласовская участковая больница»", "milkovo"),
    ("health-sobolevo-hospital", "ГБУЗ «Соболевская районная больница»", "sobolevo"),
    ("health-ust-bolsheretsk-hospital", "ГБУЗ «Усть-Большерецкая районная больница»", "ust-bolsheretsk"),
    ("health-ozernovsky-hospital", "ГБУЗ «Озерновская районная больница»", "ust-bolsheretsk"),
    ("health-ust-kamchatsk-hospital", "ГБУЗ «Усть-Камчатская районная больница»", "ust-kamchatsk"),
    ("health-klyuchi-hospital", "ГБУЗ «Ключевская районная больница»", "ust-kamchatsk"),
    ("health-karaginsky-hospital", "ГБУЗ «Карагинская районная больница»", "karaginsky"),
    ("health-olyutorsky-hospital", "ГБУЗ «Олюторская районная больница»", "olyutorsky"),
    ("health-penzhinsky-hospital", "ГБУЗ «Пенжинская районная больница»", "penzhinsky"),
    ("health-tigil-hospital", "ГБУЗ «Тигильская районная больница»", "tigil"),
    ("health-ust-khairyuzovo-hospital", "ГБУЗ «Усть-Хайрюзовская участковая больница»", "tigil"),
]

# --- Culture and sport -------------------------------------------------------------------------
# (slug, name, parent slug, municipality key or None for regional)
REGIONAL_CULTURE = [
    ("culture-museum", "КГБУ «Камчатский краевой объединённый музей»", "min-culture", None),
    ("culture-drama-theatre", "КГАУ «Камчатский театр драмы и комедии»", "min-culture", None),
    ("culture-puppet-theatre", "КГАУ «Камчатский театр кукол»", "min-culture", None),
    ("culture-library", "КГБУ «Камчатская краевая научная библиотека им. С.П. Крашенинникова»", "min-culture", None),
    ("culture-children-library", "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»", "min-culture", None),
    ("culture-folk-centre", "КГБУ «Камчатский центр народного творчества»", "min-culture", None),
    ("culture-art-museum", "КГБУ «Камчатский краевой художественный музей»", "min-culture", None),
    ("culture-philharmonic", "КГАУ «Камчатское концертно-филармоническое объединение»", "min-culture", None),
    ("culture-mengo", "КГАУ «Корякский фольклорный ансамбль танца „Мэнго“»", "min-culture", "palana"),
    ("culture-koryak-museum", "КГБУ «Корякский окружной краеведческий музей»", "min-culture", "palana"),
    ("sport-training-centre", "КГАУ «Центр спортивной подготовки Камчатского края»", "min-sport", None),
    ("sport-olympic-reserve", "КГАУ ДО «Спортивная школа олимпийского резерва по горнолыжному спорту»", "min-sport", None),
    ("sport-spartak", "КГАУ «Стадион „Спартак“»", "min-sport", None),
    ("sport-edelweiss", "КГАУ «Горнолыжная база „Эдельвейс“»", "min-sport", None),
]
MUNICIPAL_CULTURE_TOTAL = 56  # libraries, houses of culture, art schools, museums
MUNICIPAL_SPORT_TOTAL = 30  # sport schools, sport centres, stadiums

CULTURE_HOUSE_NAMES = [
    "Апрель", "Юность", "Октябрь", "Горизонт", "Россия", "Север", "Родник", "Вулкан", "Камчатка",
    "Сероглазка", "Ительмен", "Рассвет", "Океан", "Дружба", "Северное сияние",
]
SPORT_FACILITY_NAMES = ["Олимп", "Звёздный", "Молодость", "Водник", "Вымпел", "Старт", "Факел", "Динамо"]

# --- Social protection -------------------------------------------------------------------------
# (slug, name, parent slug or None, municipality key or None for regional)
REGIONAL_SOCIAL = [
    ("social-payments", "КГКУ «Камчатский центр по выплате государственных и социальных пособий»", "min-social", None),
    ("social-family-centre", "КГАУ СЗ «Камчатский центр социальной помощи семье и детям»", "min-social", None),
    ("social-minors", "КГБУ «Камчатский социально-реабилитационный центр для несовершеннолетних»", "min-social", None),
    (
        "social-rehab-children",
        "КГАУ СЗ «Камчатский реабилитационный центр для детей и подростков с ограниченными возможностями»",
        "min-social",
        None,
    ),
    ("social-elderly-home", "КГАСУ СЗ «Камчатский дом-интернат для престарелых и инвалидов»", "min-social", "elizovo"),
    ("social-psycho-home", "КГАСУ СЗ «Елизовский дом-интернат психоневрологического типа»", "min-social", "elizovo"),
    ("social-palana-home", "КГАСУ СЗ «Паланский дом-интернат для престарелых и инвалидов»", "min-social", "palana"),
    ("social-family-placement", "КГКУ «Камчатский центр содействия семейному устройству „Радуга“»", "min-social", None),
    ("social-adaptation", "КГАУ СЗ «Камчатский центр социальной адаптации граждан без определённого места жительства»", "min-social", None),
    ("social-gerontology", "КГАУ СЗ «Камчатский геронтологический центр»", "min-social", None),
    ("social-employment", "КГКУ «Центр занятости населения Камчатского края»", "min-labour", None),
    ("social-defenders-fund", "Филиал государственного фонда «Защитники Отечества» по Камчатскому краю", None, None),
]
# Municipal social-support departments, subordinate to the municipal administration.
MUNICIPAL_SOCIAL_DEPARTMENTS = ("petropavlovsk", "vilyuchinsk", "elizovo", "ust-kamchatsk")

# --- Other -------------------------------------------------------------------------------------
# (slug, name, parent slug or None, municipality key or None for regional)
OTHER_ORGANIZATIONS = [
    (
        "mfc",
        "КГКУ «Многофункциональный центр предоставления государственных и муниципальных услуг в Камчатском крае»",
        "min-digital",
        None,
    ),
    ("kamchatupravtodor", "КГКУ «Камчатуправтодор»", "min-transport", None),
    (
        "civil-defence-centre",
        "КГКУ «Центр обеспечения действий по гражданской обороне, чрезвычайным ситуациям и пожарной безопасности в Камчатском крае»",
        "min-emergency",
        None,
    ),
    ("vet-station", "КГБУ «Камчатская краевая станция по борьбе с болезнями животных»", "vet-agency", None),
    ("forestry", "КГКУ «Камчатское лесничество»", "min-nature", None),
    ("volcanoes-park", "КГБУ «Природный парк „Вулканы Камчатки“»", "min-nature", None),
    ("archive", "КГКУ «Государственный архив Камчатского края»", None, None),
    ("kamchatka-airline", "АО «Камчатское авиационное предприятие»", "min-transport", None),
    ("kamchatpassazhirtrans", "КГУП «Камчатпассажиртранс»", "min-transport", None),
    ("business-support", "АНО «Камчатский центр поддержки предпринимательства»", "min-economy", None),
    ("seaport", "АО «Петропавловск-Камчатский морской торговый порт»", None, None),
    (
        "pk-blagoustroystvo",
        "МКУ «Управление благоустройства города Петропавловска-Камчатского»",
        "adm-petropavlovsk",
        "petropavlovsk",
    ),
    (
        "pk-bus-park",
        "МАУ «Петропавловский автобусный парк»",
        "adm-petropavlovsk",
        "petropavlovsk",
    ),
]
# Every municipality also has «МКУ „Единая дежурно-диспетчерская служба …“» (kind other).

# --- Categories --------------------------------------------------------------------------------
# Routing of a category:
#   "fallback" — slug of the regional body receiving appeals from anywhere in the region;
#   "local" — who receives appeals in a given municipality: "admin" (the municipal
#     administration), "mc" (a management company), "heat"/"water"/"electricity" (a resource
#     supplier), "hospital", "ambulance", "school", "social", "culture", "sport" (an
#     institution there), a tuple of these tried in order, or None (the fallback body handles
#     the whole region). A municipality without such an organization falls back to its
#     administration for housing roles and to the regional body otherwise.
CATEGORY_TREE = [
    {
        "slug": "zhkh",
        "name": "ЖКХ",
        "children": [
            ("no-heating", "Отсутствие отопления", 10, "heat", "min-housing",
             "отопление, батареи холодные, нет тепла, теплоснабжение, холодно в квартире"),
            ("no-water", "Отсутствие горячей или холодной воды", 10, "water", "min-housing",
             "нет воды, горячая вода, холодная вода, водоснабжение, водопровод"),
            ("power-outage", "Отключение электроэнергии", 10, "electricity", "min-housing",
             "нет света, электричество, отключение света, электроснабжение, перебои"),
            ("roof-leak", "Протечка кровли", 10, "mc", "housing-inspection",
             "течёт крыша, протекает потолок, кровля, затопление с крыши"),
            ("building-maintenance", "Содержание подъездов и придомовой территории", 30, "mc", "housing-inspection",
             "подъезд, уборка подъезда, двор, лифт, придомовая территория, управляющая компания"),
            ("capital-repair", "Капитальный ремонт многоквартирного дома", 30, None, "capital-repair-fund",
             "капремонт, капитальный ремонт, фонд капремонта, взносы на капремонт"),
            ("utility-bills", "Начисление платы за коммунальные услуги", 30, "mc", "housing-inspection",
             "квитанция, начисления, перерасчёт, оплата ЖКУ, тариф, счётчики"),
        ],
    },
    {
        "slug": "roads",
        "name": "Дороги",
        "children": [
            ("potholes", "Ямы и выбоины на дороге", 10, "admin", "min-transport",
             "яма, выбоина, разбитая дорога, асфальт, колея"),
            ("snow-removal", "Уборка снега и наледи", 10, "admin", "min-transport",
             "снег, гололёд, наледь, сосульки, не чистят дорогу, снегоуборка"),
            ("traffic-lights", "Неработающий светофор", 10, "admin", "min-transport",
             "светофор, не работает светофор, перекрёсток, регулировка движения"),
            ("road-construction", "Ремонт и строительство дорог", 30, None, "min-transport",
             "ремонт дороги, строительство дороги, реконструкция, трасса, мост"),
            ("sidewalks", "Тротуары и пешеходные переходы", 30, "admin", "min-transport",
             "тротуар, пешеходный переход, зебра, бордюр, пешеходная дорожка"),
        ],
    },
    {
        "slug": "landscaping",
        "name": "Благоустройство",
        "children": [
            ("street-lighting", "Уличное освещение", 10, "admin", "min-housing",
             "фонарь, освещение, темно на улице, не горит фонарь"),
            ("playgrounds", "Детские и спортивные площадки", 30, "admin", "min-housing",
             "детская площадка, качели, спортивная площадка, горка, тренажёры"),
            ("trees", "Озеленение и вырубка деревьев", 30, "admin", "min-nature",
             "деревья, вырубка, аварийное дерево, газон, озеленение, кусты"),
            ("stray-animals", "Бродячие животные", 30, None, "vet-agency",
             "бродячие собаки, безнадзорные животные, стая собак, отлов"),
        ],
    },
    {
        "slug": "waste",
        "name": "Мусор и ТКО",
        "children": [
            ("uncollected-waste", "Невывоз мусора с контейнерной площадки", 10, None, "waste-operator",
             "мусор не вывозят, контейнер переполнен, вывоз мусора, ТКО, регоператор"),
            ("illegal-dump", "Несанкционированная свалка", 10, "admin", "min-nature",
             "свалка, стихийная свалка, мусор в лесу, строительный мусор"),
            ("container-sites", "Обустройство контейнерной площадки", 30, "admin", "min-housing",
             "контейнерная площадка, мусорные баки, ограждение площадки, новые контейнеры"),
        ],
    },
    {
        "slug": "transport",
        "name": "Общественный транспорт",
        "children": [
            ("schedule", "Нарушение расписания движения", 10, None, "min-transport",
             "автобус не пришёл, расписание, интервал движения, опоздание автобуса"),
            ("routes-stops", "Маршруты и остановки", 30, None, "min-transport",
             "маршрут, остановка, павильон, новый маршрут, автобусная остановка"),
            ("air-service", "Авиасообщение с отдалёнными районами", 30, None, "min-transport",
             "авиабилеты, рейс, вертолёт, аэропорт, субсидированные перевозки, авиасообщение"),
        ],
    },
    {
        "slug": "health",
        "name": "Здравоохранение",
        "children": [
            ("doctor-appointment", "Запись к врачу", 10, "hospital", "min-health",
             "запись к врачу, талон, поликлиника, очередь к врачу, терапевт"),
            ("medicines", "Лекарственное обеспечение", 10, None, "min-health",
             "лекарства, льготные лекарства, рецепт, аптека, инсулин"),
            ("ambulance", "Работа скорой помощи", 30, ("ambulance", "hospital"), "min-health",
             "скорая помощь, скорая не приехала, вызов скорой, неотложка"),
            ("care-quality", "Качество медицинской помощи", 30, None, "min-health",
             "качество лечения, врач, хамство, медицинская помощь, больница"),
        ],
    },
    {
        "slug": "education",
        "name": "Образование",
        "children": [
            ("kindergarten-queue", "Очередь в детский сад", 30, "admin", "min-education",
             "детский сад, очередь в садик, место в детском саду, путёвка"),
            ("school-meals", "Школьное питание", 10, "school", "min-education",
             "школьное питание, столовая, горячее питание, завтрак в школе"),
            ("school-transport", "Подвоз учащихся", 10, "admin", "min-education",
             "школьный автобус, подвоз детей, доставка в школу"),
            ("school-repairs", "Ремонт школ и детских садов", 30, None, "min-education",
             "ремонт школы, ремонт детского сада, спортзал, окна в школе"),
        ],
    },
    {
        "slug": "social",
        "name": "Социальная защита",
        "children": [
            ("social-support", "Меры социальной поддержки", 30, "social", "min-social",
             "пособие, льготы, субсидия, социальная выплата, многодетные"),
            ("svo-support", "Помощь участникам СВО и их семьям", 10, None, "min-social",
             "СВО, участники специальной военной операции, мобилизованные, семьи военнослужащих"),
            ("accessible-environment", "Доступная среда для инвалидов", 30, "admin", "min-social",
             "пандус, инвалид, доступная среда, инвалидная коляска, маломобильные"),
        ],
    },
    {
        "slug": "telecom",
        "name": "Связь и интернет",
        "children": [
            ("no-mobile-signal", "Отсутствие мобильной связи", 30, None, "min-digital",
             "нет сотовой связи, мобильная связь, вышка связи, нет сигнала"),
            ("internet-access", "Доступ к интернету в населённом пункте", 30, None, "min-digital",
             "интернет, нет интернета, скорость интернета, оптоволокно, спутниковый интернет"),
        ],
    },
    {
        "slug": "ecology",
        "name": "Экология",
        "children": [
            ("water-pollution", "Загрязнение водоёмов", 30, None, "min-nature",
             "загрязнение реки, сброс в реку, нефтепродукты, Авачинская бухта, выброс на берег"),
            ("air-emissions", "Выбросы в атмосферу", 30, None, "min-nature",
             "дым, выбросы, запах гари, котельная дымит, загрязнение воздуха"),
        ],
    },
    {
        "slug": "culture-sport",
        "name": "Культура и спорт",
        "children": [
            ("culture-institutions", "Работа учреждений культуры", 30, "culture", "min-culture",
             "дом культуры, библиотека, музей, кружки, концерт"),
            ("sports-facilities", "Спортивные секции и объекты", 30, "sport", "min-sport",
             "спортивная секция, стадион, спортзал, бассейн, каток"),
        ],
    },
    {
        "slug": "safety",
        "name": "Безопасность",
        "children": [
            ("fire-safety", "Пожарная безопасность", 10, "admin", "min-emergency",
             "пожар, пожарная безопасность, гидрант, пожарный проезд, сухая трава"),
            ("dilapidated-buildings", "Аварийные и ветхие здания", 10, "admin", "min-construction",
             "аварийный дом, ветхое жильё, расселение, трещины в стенах, заброшенное здание"),
        ],
    },
]
PRIORITY_TERM_DAYS = 10  # a category with this term is a priority one

# --- Demo accounts -----------------------------------------------------------------------------
DEMO_PASSWORD = "demo12345"
CAPITAL_ADMINISTRATION = "adm-petropavlovsk"

# scope: ("organization", slug) for executors and heads, ("region", code) for moderators and
# analysts, None for accounts without a staff role.
DEMO_ACCOUNTS = [
    {
        "email": "citizen@demo.local",
        "last_name": "Иванова",
        "first_name": "Анна",
        "patronymic": "Сергеевна",
        "phone": "+7 914 000-00-01",
        "postal_address": "683000, г. Петропавловск-Камчатский, ул. Ленинская, д. 1, кв. 1",
        "role": None,
        "scope": None,
    },
    {
        "email": "executor@demo.local",
        "last_name": "Петров",
        "first_name": "Дмитрий",
        "patronymic": "Александрович",
        "phone": "+7 914 000-00-02",
        "postal_address": "",
        "role": "executor",
        "scope": ("organization", CAPITAL_ADMINISTRATION),
    },
    {
        "email": "head@demo.local",
        "last_name": "Смирнова",
        "first_name": "Елена",
        "patronymic": "Викторовна",
        "phone": "+7 914 000-00-03",
        "postal_address": "",
        "role": "head",
        "scope": ("organization", CAPITAL_ADMINISTRATION),
    },
    {
        "email": "moderator@demo.local",
        "last_name": "Кузнецов",
        "first_name": "Андрей",
        "patronymic": "Николаевич",
        "phone": "+7 914 000-00-04",
        "postal_address": "",
        "role": "moderator",
        "scope": ("region", "41"),
    },
    {
        "email": "analyst@demo.local",
        "last_name": "Соколова",
        "first_name": "Мария",
        "patronymic": "Игоревна",
        "phone": "+7 914 000-00-05",
        "postal_address": "",
        "role": "analyst",
        "scope": ("region", "41"),
    },
    {
        "email": "admin@demo.local",
        "last_name": "Васильев",
        "first_name": "Сергей",
        "patronymic": "Петрович",
        "phone": "+7 914 000-00-06",
        "postal_address": "",
        "role": None,
        "scope": None,
        "superuser": True,
    },
]
DEMO_ACCOUNT_MUNICIPALITY = "petropavlovsk"  # every demo account lives in the regional capital
