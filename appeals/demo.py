"""Generated appeal history for demonstrations and load tests: ``generate_appeals``.

Inserts appeals that look like the record of a real platform — statuses in realistic shares, the
whole timeline of each one (events, answers, ratings, clarifications) — and that are exactly what
the services would have written: the model's check constraints hold, the timestamps follow the
transition table, ``due_at`` comes from ``appeals.deadlines``, numbers come from
``AppealNumberCounter`` (so later submissions continue after them). No notifications are written:
this is history, nobody is told about it.

Speed: rows go in with PostgreSQL ``COPY`` (psycopg 3) in chunks; appeal and answer ids are
reserved from their identity sequences up front, so events, answers and ratings reference them
without a round trip. A million appeals take minutes, not hours.

How it works: a first pass draws every appeal's final status, category and submission time; the
appeals are then numbered and inserted in chronological order, each one's path through the
workflow drawn forward from its submission and squeezed to end before ``now``.
"""

from __future__ import annotations

import bisect
import math
import random
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from appeals import deadlines
from appeals.models import Answer, Appeal, AppealNumberCounter, ClarificationMessage, Event, Rating
from appeals.services.filing import CONSENT_VERSION, REGISTRATION_WINDOW
from organizations.demo import data as demo_data
from organizations.models import Membership, Municipality, Organization, RoutingRule
from organizations.selectors import leaf_categories

S = Appeal.Status

# Share of each final status; submitted ones are all recent, answered ones wait for a rating.
DEFAULT_MIX = {
    S.SUBMITTED: 0.03,
    S.REJECTED: 0.02,
    S.REGISTERED: 0.06,
    S.IN_PROGRESS: 0.10,
    S.CLARIFICATION: 0.02,
    S.ANSWERED: 0.07,
    S.CLOSED: 0.70,
}
STATUSES = list(DEFAULT_MIX)
CHUNK_SIZE = 20_000
CITIZEN_POOL_MAX = 5_000
RATING_WINDOW = timedelta(days=7)  # an answer nobody rates is closed as "not rated" after this
FRESH_TERM_REDIRECT_WINDOW = timedelta(days=7)  # as in appeals.services.work
RESIDENT_EMAIL = re.compile(r"^resident(\d+)@demo\.local$")

# Probabilities of the side roads of the workflow.
REDIRECT_SHARE = 0.04
ASSIGN_SHARE = 0.25  # of appeals whose organization has a head: the head assigns instead of a take
CLARIFICATION_SHARE = 0.06
EXTENSION_SHARE = 0.05  # of 30-day appeals whose organization (or a parent) has a head
CLOSE_ON_GROUND_SHARE = 0.02  # of closed appeals
RATED_SHARE = 0.65  # citizens who rate the answer; the others' appeals close as "not rated"
RATED_AFTER_REVIEW_SHARE = 0.6
REREVIEW_SHARE = 0.10  # of in_progress and answered appeals: the second round after a low rating
COORDINATES_SHARE = 0.7

DAY = 86_400.0
HOUR = 3_600.0

CHANNELS = [(Appeal.Channel.WEB, 0.86), (Appeal.Channel.WIDGET, 0.09), (Appeal.Channel.API, 0.05)]
REJECT_GROUNDS = [
    ("unclear", 0.35, "Из текста обращения не ясно, в чём состоит проблема и где она находится."),
    ("out_of_scope", 0.22, "Вопрос не относится к компетенции органов власти и местного самоуправления края."),
    ("abusive", 0.10, "Обращение содержит нецензурные и оскорбительные выражения."),
    ("duplicate", 0.18, "Повторяет ранее поданное обращение."),
    ("spam", 0.06, "Рекламная рассылка."),
    ("unreadable", 0.05, "Текст обращения не поддаётся прочтению."),
    ("anonymous", 0.04, "Не указаны фамилия заявителя и адрес для ответа."),
]

# Relative frequency of categories (by slug); others weigh DEFAULT_CATEGORY_WEIGHT.
CATEGORY_WEIGHTS = {
    "no-heating": 6, "no-water": 5, "power-outage": 3, "roof-leak": 3, "building-maintenance": 6,
    "capital-repair": 3, "utility-bills": 5, "potholes": 7, "snow-removal": 7, "sidewalks": 3,
    "street-lighting": 4, "playgrounds": 3, "trees": 2, "stray-animals": 4, "uncollected-waste": 6,
    "illegal-dump": 3, "schedule": 4, "doctor-appointment": 5, "medicines": 3, "care-quality": 3,
    "kindergarten-queue": 3, "social-support": 3, "internet-access": 2,
}
DEFAULT_CATEGORY_WEIGHT = 1.5
WINTER, SUMMER = (11, 12, 1, 2, 3, 4), (6, 7, 8)
SEASONS = {  # slug → {local month: factor}
    "no-heating": {**dict.fromkeys(WINTER, 1.6), **dict.fromkeys(SUMMER, 0.2), 5: 0.8, 9: 0.7, 10: 1.4},
    "snow-removal": {**dict.fromkeys(WINTER, 2.0), **dict.fromkeys((5, 6, 7, 8, 9), 0.02), 10: 0.5},
    "no-water": dict.fromkeys(SUMMER, 1.8),
    "potholes": {4: 1.6, 5: 2.0, 6: 1.6},
    "roof-leak": {3: 1.5, 4: 1.8, 5: 1.5},
    "playgrounds": {5: 1.5, 6: 2.0, 7: 2.0, 8: 1.8},
    "trees": {5: 1.6, 6: 1.8, 7: 1.6},
    "fire-safety": {4: 2.0, 5: 2.0},
    "air-emissions": dict.fromkeys(WINTER, 1.4),
}

# --- Texts ---------------------------------------------------------------------------------------
# Placeholders: {addr} «ул. Ленинская, д. 5», {on_street}/{On_street} «на ул. Ленинская»,
# {num} a house or school number, {flat}, {days} «N дней», {date} a recent date, {hour},
# {evening}, {n} 2–4, {temp}, {cm}, {route}, {stop}, {year}/{qyear} years, {doctor}, {drug},
# {category} the category's name.
TEMPLATES = {
    "no-heating": [
        "В квартире по адресу {addr}, кв. {flat} нет отопления с {date}. Батареи холодные, температура в комнатах {temp} °C, дома маленький ребёнок.",
        "Уже {days} в нашем доме ({addr}) не работает отопление. Управляющая компания говорит, что проблема у теплоснабжающей организации. В квартирах {temp} градусов.",
        "В подъезде и квартирах дома по адресу {addr} отопления нет с {date}. Радиаторы еле тёплые, в детской {temp} °C. Просим восстановить теплоснабжение.",
    ],
    "no-water": [
        "По адресу {addr} с {date} нет горячей воды, предупреждений об отключении не было.",
        "В доме по адресу {addr} уже {days} нет холодной воды. Вода идёт ржавая и с перебоями, набираем в бутылки.",
        "Регулярно отключают водоснабжение в доме по адресу {addr}: за месяц уже {n} раза без объявлений.",
    ],
    "power-outage": [
        "По адресу {addr} с {hour} нет электричества. Это уже {n}-е отключение света за неделю, испортилась бытовая техника.",
        "Постоянные перебои с электроснабжением {on_street}: свет мигает и пропадает по вечерам.",
    ],
    "roof-leak": [
        "Течёт крыша над квартирой {flat} по адресу {addr}. После дождя протекает потолок, на стенах плесень. Заявки в управляющую компанию остаются без ответа.",
        "Кровля дома по адресу {addr} в аварийном состоянии: при таянии снега затапливает квартиры верхнего этажа.",
    ],
    "building-maintenance": [
        "Подъезд дома по адресу {addr} не убирают {days}, лампочки не горят, почтовые ящики сломаны.",
        "Придомовую территорию по адресу {addr} не убирают: двор в мусоре, лифт не работает с {date}.",
        "Управляющая компания не выполняет уборку подъезда в доме по адресу {addr}, на лестнице грязь и запах.",
    ],
    "capital-repair": [
        "Дом по адресу {addr} был включён в программу капитального ремонта на {qyear} год, но работы так и не начались. Взносы на капремонт платим исправно.",
        "После капитального ремонта крыши дома по адресу {addr} появились протечки. Подрядчик на связь не выходит.",
    ],
    "utility-bills": [
        "В квитанции за прошлый месяц по адресу {addr}, кв. {flat} начислено за отопление в {n} раза больше обычного. Прошу сделать перерасчёт.",
        "Управляющая компания начисляет плату по нормативу, хотя счётчики воды установлены и поверены. Прошу проверить начисления по квартире {flat} в доме {addr}.",
    ],
    "potholes": [
        "{On_street} у дома {num} огромная яма на проезжей части, машины объезжают её по встречной полосе.",
        "Дорога по адресу {addr} разбита: выбоины глубиной до {cm} см, колея, после дождя ям не видно.",
    ],
    "snow-removal": [
        "Дорогу {on_street} не чистят от снега {days}, автобусы не могут проехать к остановке.",
        "На тротуаре по адресу {addr} наледь, люди падают. Сосульки на крыше никто не сбивает.",
        "Снегоуборочная техника сгребает снег к подъездам дома по адресу {addr}, выйти из дома невозможно.",
    ],
    "traffic-lights": [
        "На перекрёстке у дома по адресу {addr} не работает светофор с {date}. Очень опасно для пешеходов и детей.",
        "Светофор у дома по адресу {addr} работает с перебоями, зелёный для пешеходов горит всего {n} секунды.",
    ],
    "road-construction": [
        "Просим включить в план ремонта дорогу {on_street}: асфальт не ремонтировался больше {n} лет.",
        "Ремонт дороги {on_street} начали {date} и бросили: проезд перекопан, техники нет.",
    ],
    "sidewalks": [
        "{On_street} нет тротуара, дети идут в школу по проезжей части.",
        "Пешеходный переход у дома по адресу {addr} не обозначен: разметка стёрлась, знаков нет.",
    ],
    "street-lighting": [
        "{On_street} от дома {num} до остановки не горят фонари уже {days}. Вечером темно и опасно.",
        "Во дворе дома по адресу {addr} нет уличного освещения, просим установить фонарь.",
    ],
    "playgrounds": [
        "Детская площадка во дворе дома по адресу {addr} в аварийном состоянии: качели сломаны, из горки торчат болты.",
        "Просим установить детскую площадку во дворе по адресу {addr}: во дворе {n} многоквартирных дома и нет ни одной площадки.",
    ],
    "trees": [
        "Во дворе дома по адресу {addr} аварийное дерево наклонилось над детской площадкой и парковкой.",
        "У дома по адресу {addr} вырубили деревья и не восстановили газон после работ.",
    ],
    "stray-animals": [
        "Возле дома по адресу {addr} живёт стая бродячих собак из {n} особей, собаки кидаются на детей по дороге в школу.",
        "Безнадзорные собаки {on_street}: {date} покусали прохожего. Просим организовать отлов.",
    ],
    "uncollected-waste": [
        "С контейнерной площадки у дома по адресу {addr} не вывозят мусор {days}, контейнеры переполнены, мусор разносит ветер.",
        "Региональный оператор нарушает график вывоза мусора {on_street}: контейнеры вывозят раз в {n} дня.",
    ],
    "illegal-dump": [
        "За домом по адресу {addr} образовалась несанкционированная свалка строительного мусора.",
        "В лесу за домом по адресу {addr} стихийная свалка: старые шины, мебель, бытовой мусор.",
    ],
    "container-sites": [
        "Контейнерная площадка у дома по адресу {addr} без ограждения и навеса, баки стоят прямо на газоне.",
        "Просим установить новые контейнеры на контейнерной площадке {on_street}: старые баки сломаны.",
    ],
    "schedule": [
        "Автобус маршрута № {route} утром не приходит по расписанию: интервал движения больше {n}0 минут.",
        "Вечером после {evening} автобусы маршрута № {route} не ходят, хотя по расписанию рейсы есть.",
    ],
    "routes-stops": [
        "На остановке «{stop}» нет павильона, люди ждут автобус под снегом и дождём.",
        "Просим продлить маршрут № {route}: от домов {on_street} до ближайшей автобусной остановки {n} км.",
    ],
    "air-service": [
        "Невозможно купить авиабилеты по субсидированному тарифу: все места на рейсы раскуплены на {n} недели вперёд.",
        "Рейс до Петропавловска-Камчатского переносится уже {days}, жители не могут выехать к врачам.",
    ],
    "doctor-appointment": [
        "Невозможно записаться к терапевту в поликлинике: талонов нет на {n} недели вперёд, по телефону не дозвониться.",
        "Записаться к врачу-специалисту ({doctor}) нельзя уже {days}: в системе записи нет свободных талонов.",
    ],
    "medicines": [
        "В аптеке {days} нет льготных лекарств по рецепту ({drug}), хотя мне они положены как льготнику.",
        "Ребёнку с диабетом не выдают инсулин по льготному рецепту с {date}.",
    ],
    "ambulance": [
        "{date} скорая помощь ехала к пожилому человеку по адресу {addr} больше {n}0 минут.",
        "Вызов скорой помощи по адресу {addr} приняли, но бригада так и не приехала.",
    ],
    "care-quality": [
        "Врач в больнице грубо разговаривал с моей мамой и отказал в осмотре. Прошу проверить качество медицинской помощи.",
        "После лечения в стационаре состояние ухудшилось, нужные анализы так и не сделали.",
    ],
    "kindergarten-queue": [
        "Ребёнок {year} года рождения стоит в очереди в детский сад с {qyear} года, места так и нет.",
        "Нам предложили место в детском саду на другом конце города, хотя в садике № {num} рядом с домом есть свободные места.",
    ],
    "school-meals": [
        "В школе № {num} детей кормят холодной едой, порции маленькие, горячее питание не соответствует меню.",
        "В столовой школы № {num} не предусмотрено питание для детей с пищевой аллергией.",
    ],
    "school-transport": [
        "Школьный автобус не довозит детей до школы № {num}: подвоза нет уже {days}.",
        "Подвоз учащихся организован так, что дети ждут автобус на улице по {n}0 минут.",
    ],
    "school-repairs": [
        "В школе № {num} протекает крыша спортзала, занятия физкультурой отменяют.",
        "В детском саду № {num} окна не закрываются, в группах холодно. Просим провести ремонт.",
    ],
    "social-support": [
        "Мне как многодетной матери отказали в социальной выплате, хотя документы поданы в срок.",
        "Пособие по уходу за ребёнком не перечисляют с {date}. Прошу разобраться.",
    ],
    "svo-support": [
        "Мой муж — участник СВО. Семье положены меры поддержки, но выплата не поступила с {date}.",
        "Прошу помочь семье мобилизованного с получением компенсации за детский сад.",
    ],
    "accessible-environment": [
        "У входа в поликлинику {on_street} нет пандуса, на инвалидной коляске не попасть.",
        "В доме по адресу {addr} живёт инвалид-колясочник, пандус в подъезде слишком крутой, пользоваться им невозможно.",
    ],
    "no-mobile-signal": [
        "{On_street} нет мобильной связи, нельзя даже вызвать скорую.",
        "С {date} пропал сигнал сотовой связи {on_street}, вышка связи не работает.",
    ],
    "internet-access": [
        "В нашем населённом пункте нет проводного интернета, мобильный интернет работает со скоростью меньше 1 Мбит/с.",
        "Просим провести оптоволокно в наш посёлок: дети не могут учиться дистанционно.",
    ],
    "water-pollution": [
        "В реку у дома по адресу {addr} сбрасывают сточные воды, на воде плёнка нефтепродуктов и запах.",
        "На берегу за домом по адресу {addr} выброс мусора и нефтепродуктов, гибнет рыба.",
    ],
    "air-emissions": [
        "Котельная {on_street} дымит чёрным дымом, в квартирах запах гари.",
        "Вечерами {on_street} сильное загрязнение воздуха: на участках жгут мусор.",
    ],
    "culture-institutions": [
        "В доме культуры закрыли бесплатные кружки для детей, теперь все занятия платные.",
        "Библиотека {on_street} работает только до {evening}, после работы туда не попасть.",
    ],
    "sports-facilities": [
        "Бассейн спортивной школы закрыт на ремонт уже {n} месяца, секции не работают.",
        "Каток во дворе по адресу {addr} этой зимой не заливают, хотя в прошлом году он был.",
    ],
    "fire-safety": [
        "Пожарный проезд к дому по адресу {addr} заставлен машинами, пожарная машина не проедет.",
        "На пустыре {on_street} каждую весну поджигают сухую траву, огонь подходит к гаражам.",
    ],
    "dilapidated-buildings": [
        "Дом по адресу {addr} признан аварийным в {qyear} году, но расселение так и не начато. По стенам идут трещины.",
        "Заброшенное здание {on_street} стоит без ограждения, туда лазят дети.",
    ],
}
GENERIC_TEMPLATES = [
    "Прошу рассмотреть проблему «{category}» по адресу {addr}. Уже {days} никаких мер не принято.",
    "Обращаюсь по вопросу «{category}», адрес: {addr}. Ситуация не меняется с {date}.",
]
OPENINGS = ["", "", "Здравствуйте! ", "Добрый день. ", "Уважаемые сотрудники! "]
CLOSINGS = [
    "", " Прошу принять меры.", " Прошу разобраться и сообщить о результатах.",
    " Прошу устранить нарушение в кратчайшие сроки.", " Прошу дать письменный ответ.",
    " Обращались устно, ничего не изменилось.",
]
ANSWERS = {
    "zhkh": [
        "Специалистами проведено обследование по адресу {addr}. Выявленные неисправности устранены {date}, работа инженерных систем восстановлена. Управляющей организации выдано предписание.",
        "Проверка по Вашему обращению проведена. Ресурсоснабжающей организации и управляющей компании поручено устранить нарушения; работы выполнены {date}.",
    ],
    "roads": [
        "Участок дороги по адресу {addr} включён в план ремонта. Подрядчику поручено выполнить работы; ямочный ремонт проведён {date}.",
        "Работы по содержанию улично-дорожной сети {on_street} выполнены {date}, подрядная организация предупреждена о недопустимости нарушений.",
    ],
    "landscaping": [
        "По Вашему обращению проведён осмотр территории по адресу {addr}. Работы по благоустройству выполнены {date}.",
        "Заявка передана подрядной организации, работы выполнены {date}. Территория будет взята на контроль.",
    ],
    "waste": [
        "Региональному оператору направлено требование о соблюдении графика вывоза. Мусор с площадки вывезен {date}.",
        "Проведён осмотр территории по адресу {addr}. Мусор убран {date}, площадка включена в график контроля.",
    ],
    "transport": [
        "Перевозчику указано на нарушение расписания, проведена проверка работы маршрута. Расписание будет соблюдаться.",
        "Ваше предложение рассмотрено и будет учтено при корректировке маршрутной сети в следующем году.",
    ],
    "health": [
        "Проведена проверка работы медицинской организации. Руководителю указано на недостатки; дополнительные талоны к специалистам выделены с {date}.",
        "Ваше обращение рассмотрено министерством здравоохранения. Лекарственные препараты поступили в аптечную сеть {date}.",
    ],
    "education": [
        "Управлением образования проведена проверка. Выявленные нарушения устранены, руководителю учреждения объявлено замечание.",
        "Вопрос рассмотрен, работы будут выполнены в рамках текущего ремонта; сроки доведены до родителей.",
    ],
    "social": [
        "Ваше обращение рассмотрено. Выплата назначена и будет перечислена до конца месяца; документы повторно подавать не нужно.",
        "Проведена проверка, меры социальной поддержки предоставлены. Сотрудник центра свяжется с Вами по телефону.",
    ],
}
GENERIC_ANSWERS = [
    "Ваше обращение рассмотрено. По результатам проверки приняты меры, работы выполнены {date}.",
    "Сообщаем, что вопрос, изложенный в обращении, рассмотрен; необходимые поручения даны, исполнение взято на контроль.",
]
REREVIEW_PREFIX = "По результатам повторного рассмотрения сообщаем: "
CLARIFICATION_REQUESTS = [
    "Уточните, пожалуйста, номер дома и подъезда.",
    "Просим уточнить адрес: на указанной улице несколько домов с таким номером.",
    "Приложите, пожалуйста, фотографию проблемы.",
    "Уточните, с какой даты наблюдается проблема.",
]
CLARIFICATION_REPLIES = [
    "Дом {num}, подъезд {n}.", "Проблема наблюдается с {date}.", "Фото приложила, это у второго подъезда.",
    "Адрес: {addr}.", "С {date}, до сих пор не устранено.",
]
EXTENSION_REASONS = [
    "Требуется дополнительная проверка с выездом на место.",
    "Направлен запрос в другие органы, ответ ожидается.",
    "Необходимо заключение подрядной организации.",
]
GOOD_COMMENTS = ["", "", "Спасибо, проблему решили.", "Всё сделали быстро, спасибо!", "Спасибо за оперативность."]
LOW_COMMENTS = ["", "Проблема не решена, ответ — отписка.", "Ничего не изменилось.", "Работы выполнены некачественно."]
DOCTORS = ["кардиолог", "эндокринолог", "невролог", "офтальмолог", "лор", "хирург", "педиатр"]
DRUGS = ["инсулин", "антикоагулянты", "противосудорожные препараты", "ингаляторы"]
STOPS = ["Школа", "Поликлиника", "Рынок", "Магазин", "Больница", "Почта", "Стадион", "Дом культуры"]

MALE_FIRST = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Михаил", "Николай",
              "Владимир", "Евгений", "Павел", "Артём", "Максим", "Виктор", "Олег", "Юрий", "Роман",
              "Игорь", "Константин", "Денис"]
FEMALE_FIRST = ["Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Мария",
                "Екатерина", "Юлия", "Людмила", "Галина", "Марина", "Валентина", "Дарья", "Ксения",
                "Алина", "Вера", "Надежда", "Оксана"]
PATRONYMICS = [("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Дмитриевич", "Дмитриевна"),
               ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"), ("Иванович", "Ивановна"),
               ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Владимирович", "Владимировна"),
               ("Викторович", "Викторовна"), ("Петрович", "Петровна"), ("Юрьевич", "Юрьевна"),
               ("Олегович", "Олеговна"), ("Геннадьевич", "Геннадьевна"), ("Васильевич", "Васильевна")]
SURNAMES = [("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"),
            ("Васильев", "Васильева"), ("Петров", "Петрова"), ("Соколов", "Соколова"), ("Михайлов", "Михайлова"),
            ("Новиков", "Новикова"), ("Фёдоров", "Фёдорова"), ("Морозов", "Морозова"), ("Волков", "Волкова"),
            ("Алексеев", "Алексеева"), ("Лебедев", "Лебедева"), ("Семёнов", "Семёнова"), ("Егоров", "Егорова"),
            ("Павлов", "Павлова"), ("Козлов", "Козлова"), ("Степанов", "Степанова"), ("Николаев", "Николаева"),
            ("Орлов", "Орлова"), ("Андреев", "Андреева"), ("Макаров", "Макарова"), ("Никитин", "Никитина"),
            ("Захаров", "Захарова"), ("Зайцев", "Зайцева"), ("Соловьёв", "Соловьёва"), ("Борисов", "Борисова"),
            ("Яковлев", "Яковлева"), ("Григорьев", "Григорьева"), ("Романов", "Романова"), ("Белов", "Белова"),
            ("Тарасов", "Тарасова"), ("Шевченко", "Шевченко"), ("Кравченко", "Кравченко"), ("Чернов", "Чернова"),
            ("Тимофеев", "Тимофеева"), ("Гаврилов", "Гаврилова"), ("Ковальчук", "Ковальчук"), ("Жуков", "Жукова")]


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _street(name: str) -> tuple[str, str]:
    """A street name as in an address and after «на»: «ул. Ленинская» / «на ул. Ленинская»,
    «проспект Победы» / «на проспекте Победы», «Петропавловское шоссе» / «на Петропавловском шоссе»."""
    if name.startswith("проспект "):
        return name, "на проспекте " + name.removeprefix("проспект ")
    if name.endswith(" шоссе"):
        adjective = name.removesuffix(" шоссе")
        return name, f"на {adjective[:-2]}ом шоссе" if adjective.endswith("ое") else f"на {name}"
    return f"ул. {name}", f"на ул. {name}"


def _quotas(mix: dict[str, float], count: int) -> list[int]:
    """Exact numbers of appeals per status (largest remainder), in STATUSES order."""
    weights = [max(float(mix.get(status, 0)), 0.0) for status in STATUSES]
    total = sum(weights)
    if total <= 0:
        raise ValueError("the status mix is empty")
    raw = [count * w / total for w in weights]
    quotas = [int(r) for r in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - quotas[i], reverse=True)[: count - sum(quotas)]:
        quotas[index] += 1
    return quotas


class _Vars(dict):
    """Template values, drawn only when a template asks for them."""

    def __init__(self, gen: _Generator, place: _Place, t0: float, category_name: str):
        super().__init__()
        self.gen, self.place, self.t0, self.category_name = gen, place, t0, category_name

    def __missing__(self, key: str) -> str:
        rng, place = self.gen.rng, self.place
        if key == "addr":
            value = place.short
        elif key == "on_street":
            value = place.on_street
        elif key == "On_street":
            value = place.on_street[0].upper() + place.on_street[1:]
        elif key == "num":
            value = str(rng.randint(1, 40))
        elif key == "flat":
            value = str(rng.randint(1, 120))
        elif key == "days":
            n = rng.randint(2, 14)
            value = f"{n} {_plural(n, 'день', 'дня', 'дней')}"
        elif key == "date":
            value = self.gen.local_date(self.t0 - rng.uniform(1, 20) * DAY)
        elif key == "hour":
            value = f"{rng.randint(6, 22)}:{rng.choice(('00', '15', '30', '45'))}"
        elif key == "evening":
            value = f"{rng.randint(18, 21)}:{rng.choice(('00', '30'))}"
        elif key == "n":  # 2–4: «3 раза», «на 4 недели», «2 месяца»
            value = str(rng.randint(2, 4))
        elif key == "temp":
            value = str(rng.randint(9, 16))
        elif key == "cm":
            value = str(rng.randint(10, 40))
        elif key == "route":
            value = str(rng.randint(1, 40))
        elif key == "stop":
            value = rng.choice(STOPS)
        elif key == "year":
            value = str(self.gen.now_year - rng.randint(1, 5))
        elif key == "qyear":
            value = str(self.gen.now_year - rng.randint(1, 6))
        elif key == "doctor":
            value = rng.choice(DOCTORS)
        elif key == "drug":
            value = rng.choice(DRUGS)
        elif key == "category":
            value = self.category_name
        else:
            raise KeyError(key)
        self[key] = value
        return value


class _Place:
    """Where the problem is: a street and house in the municipality's centre."""

    __slots__ = ("full", "on_street", "short")

    def __init__(self, info: dict, rng: random.Random):
        street, self.on_street = rng.choice(info["streets"])
        self.short = f"{street}, д. {rng.randint(1, info['houses'])}"
        self.full = f"{info['locality']}, {self.short}"


class _Generator:
    def __init__(self, *, region, months: int, seed: int, now: datetime, citizens, mix, statuses,
                 organization):
        self.rng = random.Random(seed)
        self.region = region
        self.zone = ZoneInfo(region.timezone)
        self.now = now.timestamp()
        self.now_year = now.astimezone(self.zone).year
        self.offset = now.astimezone(self.zone).utcoffset().total_seconds()
        self.window = max(months, 1) * 30.4375 * DAY
        self.mix = mix
        self.forced_statuses = statuses
        self._due_cache: dict = {}
        self._extend_cache: dict = {}
        self._date_cache: dict = {}
        self.last_by_citizen: dict[int, tuple[int, str]] = {}
        self._load_places()
        self._load_categories_and_routes(organization)
        self._load_staff()
        self.citizens = citizens

    # --- reference data, read once ------------------------------------------------------------
    def _load_places(self) -> None:
        municipalities = list(Municipality.objects.filter(region=self.region).order_by("pk"))
        if not municipalities:
            raise ValueError(f"Region {self.region.code} has no municipalities")
        known = {row["name"]: row for row in demo_data.MUNICIPALITIES}
        served = Counter(
            Organization.municipalities.through.objects.filter(
                municipality__region=self.region
            ).values_list("municipality_id", flat=True)
        )
        self.municipality_ids = [m.pk for m in municipalities]
        self.municipality_index = {m.pk: n for n, m in enumerate(municipalities)}
        self.places, weights = [], []
        for m in municipalities:
            row = known.get(m.name)
            streets = demo_data.STREETS.get(row["key"], demo_data.DEFAULT_STREETS) if row else demo_data.DEFAULT_STREETS
            self.places.append(
                {
                    "locality": row["locality"] if row else (m.centre or m.name),
                    "postcode": row["postcode"] if row else "",
                    "streets": [_street(name) for name in streets],
                    "houses": 120 if len(streets) > 20 else 60,
                    "lat": float(m.latitude) if m.latitude is not None else None,
                    "lon": float(m.longitude) if m.longitude is not None else None,
                }
            )
            weights.append(row["weight"] if row else served.get(m.pk, 0) + 1)
        total = sum(weights)
        self.municipality_cum = list(_cumulative([w / total for w in weights]))

    def _load_categories_and_routes(self, organization) -> None:
        categories = [c for c in leaf_categories() if c.parent.is_active]
        if not categories:
            raise ValueError("There are no active leaf categories")
        local, fallback = {}, {}
        rules = RoutingRule.objects.filter(region=self.region, organization__is_active=True).values_list(
            "category_id", "municipality_id", "organization_id"
        )
        for category_id, municipality_id, organization_id in rules:
            if municipality_id is None:
                fallback[category_id] = organization_id
            else:
                local[category_id, municipality_id] = organization_id
        any_org = (
            Organization.objects.filter(region=self.region, is_active=True).order_by("pk").values_list("pk", flat=True).first()
        )
        if any_org is None:
            raise ValueError(f"Region {self.region.code} has no active organizations")
        self.route: dict[tuple[int, int], int] = {}
        for c in categories:
            for m in self.municipality_ids:
                self.route[c.pk, m] = local.get((c.pk, m)) or fallback.get(c.pk) or any_org
        self.fallback = fallback
        # Restricting to one organization: only the (category, municipality) pairs routed to it.
        self.allowed: dict[int, list[int]] | None = None
        if organization is not None:
            self.allowed = defaultdict(list)
            for (c, m), org in self.route.items():
                if org == organization.pk:
                    self.allowed[c].append(m)
            categories = [c for c in categories if c.pk in self.allowed]
            if not categories:
                raise ValueError(f"No category is routed to {organization}")
        self.categories = categories
        self.category_rows = [
            (c.pk, c.term_days, c.day_count, c.parent.slug, c.name, TEMPLATES.get(c.slug)) for c in categories
        ]
        base = [CATEGORY_WEIGHTS.get(c.slug, DEFAULT_CATEGORY_WEIGHT) for c in categories]
        self.category_cum = {
            month: list(_cumulative([w * SEASONS.get(c.slug, {}).get(month, 1.0) for w, c in zip(base, categories, strict=True)]))
            for month in range(1, 13)
        }
        self.org_names = dict(
            Organization.objects.filter(pk__in=set(self.route.values())).values_list("pk", "name")
        )

    def _load_staff(self) -> None:
        """Moderators of the region; executors and heads of every organization appeals may reach.

        An answer needs an author: an organization without staff gets one demo executor account
        (unusable password), created once and reused by later runs.
        """
        self.moderators = list(
            Membership.objects.filter(region=self.region, role=Membership.Role.MODERATOR)
            .order_by("pk").values_list("user_id", flat=True)
        )
        targets = set(self.route.values()) | set(self.fallback.values())
        parents = dict(Organization.objects.filter(region=self.region).values_list("pk", "parent_id"))
        executors, heads = defaultdict(list), defaultdict(list)
        for user_id, org_id, role in (
            Membership.objects.filter(organization__region=self.region, role__in=Membership.ORGANIZATION_ROLES)
            .order_by("pk").values_list("user_id", "organization_id", "role")
        ):
            (executors if role == Membership.Role.EXECUTOR else heads)[org_id].append(user_id)
        missing = sorted(org for org in targets if not executors.get(org) and not heads.get(org))
        if missing:
            for org_id, user_id in self._create_staff(missing).items():
                executors[org_id].append(user_id)
        self.executors = {org: executors.get(org) or heads[org] for org in targets}
        self.heads: dict[int, list[int]] = {}
        for org in targets:  # heads of the organization or of any organization above it
            found, seen, current = [], set(), org
            while current is not None and current not in seen:
                seen.add(current)
                found += heads.get(current, [])
                current = parents.get(current)
            self.heads[org] = found

    def _create_staff(self, org_ids: list[int]) -> dict[int, int]:
        User = get_user_model()
        slugs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "slug"))
        emails = {org: f"staff.{slugs[org]}@demo.local" for org in org_ids}
        existing = dict(User.objects.filter(email__in=emails.values()).values_list("email", "pk"))
        rng = random.Random(f"staff-{self.region.pk}")
        new_users = []
        for org in org_ids:
            if emails[org] not in existing:
                last, first, patronymic = _person(rng)
                new_users.append(User(email=emails[org], last_name=last, first_name=first,
                                      patronymic=patronymic, password=make_password(None)))
        for user in User.objects.bulk_create(new_users):
            existing[user.email] = user.pk
        Membership.objects.bulk_create(
            [Membership(user_id=existing[emails[org]], organization_id=org, role=Membership.Role.EXECUTOR)
             for org in org_ids],
            ignore_conflicts=True,
        )
        return {org: existing[emails[org]] for org in org_ids}

    # --- helpers ------------------------------------------------------------------------------
    def local_date(self, ts: float) -> str:
        day = int((ts + self.offset) // DAY)  # cache key only; the string is computed in the zone
        value = self._date_cache.get(day)
        if value is None:
            value = datetime.fromtimestamp(ts, self.zone).strftime("%d.%m.%Y")
            self._date_cache[day] = value
        return value

    def due(self, ts: float, term: int, day_count: str) -> float:
        start = datetime.fromtimestamp(ts, self.zone)
        key = (start.date(), term, day_count)
        value = self._due_cache.get(key)
        if value is None:
            value = deadlines.due_at(start=start, days=term, region_timezone=self.region.timezone,
                                     day_count=day_count).timestamp()
            self._due_cache[key] = value
        return value

    def extend(self, due: float, days: int) -> float:
        key = (due, days)
        value = self._extend_cache.get(key)
        if value is None:
            value = deadlines.extend(due=datetime.fromtimestamp(due, self.zone), days=days,
                                     region_timezone=self.region.timezone).timestamp()
            self._extend_cache[key] = value
        return value

    def pick_category(self, ts: float) -> int:
        month = datetime.fromtimestamp(ts, self.zone).month
        cum = self.category_cum[month]
        return bisect.bisect(cum, self.rng.random() * cum[-1])

    def pick_municipality(self) -> int:
        return self.municipality_ids[bisect.bisect(self.municipality_cum, self.rng.random() * self.municipality_cum[-1])]

    # --- pass 1: status, category and submission time of every appeal --------------------------
    def plan(self, count: int):
        rng = self.rng
        if self.forced_statuses is not None:
            codes = [STATUSES.index(s) for s in self.forced_statuses]
        else:
            codes = [code for code, quota in enumerate(_quotas(self.mix, count)) for _ in range(quota)]
            rng.shuffle(codes)
        times, kinds, cats = array("d"), bytearray(), array("H")
        now, window = self.now, self.window
        for code in codes:
            status = STATUSES[code]
            rereview = status in (S.IN_PROGRESS, S.ANSWERED) and rng.random() < REREVIEW_SHARE
            if status in (S.CLOSED, S.REJECTED):
                min_age = 1.5 * DAY if status == S.CLOSED else 0.05 * DAY
                x = rng.random() if rng.random() < 0.5 else math.sqrt(rng.random())  # the platform grows
                t0 = now - (min_age + max(window - min_age, 0) * (1 - x))
                cat = self.pick_category(t0)
            else:
                cat = self.pick_category(now)
                term = self.category_rows[cat][1]
                t0 = now - self._open_age(status, term, rereview) * DAY
            times.append(t0)
            kinds.append(code | (16 if rereview else 0))
            cats.append(cat)
        return times, kinds, cats

    def _open_age(self, status: str, term: int, rereview: bool) -> float:
        """Days since submission of an appeal still open now."""
        u = self.rng.uniform
        if status == S.SUBMITTED:
            return u(0.003, 3.0) if self.rng.random() < 0.95 else u(3.0, 4.5)
        if status == S.REGISTERED:
            return u(0.05, 4.0)
        if status == S.CLARIFICATION:
            return u(0.5, max(term, 2))
        if rereview:
            return u(term * 0.6 + 5, term * 2 + 12)
        if status == S.IN_PROGRESS:
            return u(0.3, term + 1) if self.rng.random() < 0.93 else u(term + 1, term + 10)
        return u(1.0, term + 6)  # answered, waiting for the rating

    # --- pass 2: one appeal with its history ----------------------------------------------------
    def build(self, appeal_id: int, number: str, t0: float, kind: int, cat: int, out: _Rows) -> None:
        rng = self.rng
        status = STATUSES[kind & 15]
        rereview = bool(kind & 16)
        category_id, term, day_count, section, category_name, templates = self.category_rows[cat]

        citizen_id, home = self.citizens.pick(rng)
        municipality_id = home if home is not None and rng.random() < 0.85 else self.pick_municipality()
        if self.allowed is not None and municipality_id not in self.allowed[category_id]:
            options = self.allowed[category_id]
            municipality_id = home if home in options else rng.choice(options)
        info = self.places[self.municipality_index[municipality_id]]
        place = _Place(info, rng)
        values = _Vars(self, place, t0, category_name)
        text = rng.choice(OPENINGS) + rng.choice(templates or GENERIC_TEMPLATES).format_map(values) + rng.choice(CLOSINGS)
        latitude = longitude = None
        if info["lat"] is not None and rng.random() < COORDINATES_SHARE:
            latitude = f"{info['lat'] + rng.gauss(0, 0.012):.5f}"
            longitude = f"{info['lon'] + rng.gauss(0, 0.02):.5f}"
        channel = _weighted(rng, CHANNELS)
        org0 = self.route[category_id, municipality_id]

        steps = self._path(status, rereview, t0, term, org0, category_id)
        self._fit(steps, t0, status)

        # Replay the path the way the services would have written it.
        st, org, executor, registered, due = S.SUBMITTED, None, None, None, None
        answered = closed = rating_requested = None
        close_reason = ground = extension_reason = ""
        extension_days = duplicate_of = None
        redirect_count = review_round = 0
        flagged = False
        answers = {}
        events = out.events
        for step in steps:
            action, t = step[0], step[1]
            when = _dt(t)
            if action == "submit":
                events.append((appeal_id, citizen_id, "submit", "", S.SUBMITTED, "", "", True,
                               f'{{"channel": "{channel}"}}', when))
                continue
            before = st
            actor, reason_code, comment, public, data = None, "", "", True, "{}"
            if action == "reject":
                st, closed = S.REJECTED, t
                ground, comment = step[2], step[3]
                previous = self.last_by_citizen.get(citizen_id)
                if ground == "duplicate":
                    if previous is None:
                        ground, comment = "unclear", REJECT_GROUNDS[0][2]
                    else:
                        duplicate_of = previous[0]
                        data = f'{{"duplicate_of": "{previous[1]}"}}'
                reason_code = ground
                actor = self._moderator()
            elif action == "accept":
                st, org, registered = S.REGISTERED, org0, t
                due = self.due(t, term, day_count)
                actor = self._moderator()
                data = '{"category_changed": false, "organization_chosen": false}'
            elif action == "redirect":
                target = step[2]
                actor = rng.choice(self.executors[org]) if rng.random() < 0.7 else self._moderator()
                if t - registered <= FRESH_TERM_REDIRECT_WINDOW.total_seconds():
                    due = self.due(t, term, day_count)
                comment = f"Вопрос относится к компетенции организации «{self.org_names.get(target, '')}»."
                org, executor, redirect_count = target, None, redirect_count + 1
                data = f'{{"organization": {target}}}'
            elif action in ("take", "assign"):
                st = S.IN_PROGRESS
                executor = rng.choice(self.executors[org])
                heads = self.heads[org]
                if action == "assign" and heads:
                    actor, public, data = rng.choice(heads), False, f'{{"executor": {executor}}}'
                else:
                    action, actor = "take", executor
            elif action == "request_clarification":
                st = S.CLARIFICATION
                executor = executor or rng.choice(self.executors[org])
                actor, comment = executor, rng.choice(CLARIFICATION_REQUESTS)
                out.clarifications.append((appeal_id, executor, ClarificationMessage.Kind.REQUEST, comment, when))
            elif action == "reply":
                action, st, actor = "reply_to_clarification", S.IN_PROGRESS, citizen_id
                comment = rng.choice(CLARIFICATION_REPLIES).format_map(values)
                out.clarifications.append((appeal_id, citizen_id, ClarificationMessage.Kind.REPLY, comment, when))
            elif action == "extend_deadline":
                heads = self.heads[org]
                if not heads or t >= due or extension_days is not None:
                    continue
                days = step[2]
                due, extension_days = self.extend(due, days), days
                extension_reason = comment = rng.choice(EXTENSION_REASONS)
                actor, data = rng.choice(heads), f'{{"days": {days}}}'
            elif action == "answer":
                st, answered, rating_requested = S.ANSWERED, t, t
                executor = executor or rng.choice(self.executors[org])
                actor = executor
                answer_text = rng.choice(ANSWERS.get(section) or GENERIC_ANSWERS)
                values["date"] = self.local_date(t - rng.uniform(0.1, 2) * DAY)
                answer_text = answer_text.format_map(values)
                if review_round:
                    answer_text = REREVIEW_PREFIX + answer_text[0].lower() + answer_text[1:]
                answers[review_round] = out.answer(appeal_id, executor, org, answer_text, review_round, when)
            elif action == "rate":
                score, solved, comment = step[2], step[3], step[4]
                actor = citizen_id
                out.ratings.append((appeal_id, answers[review_round], score, solved, comment, when))
                data = f'{{"score": {score}, "solved": {"true" if solved else "false"}}}'
                low = score <= 2 or not solved
                if low and review_round == 0:
                    st, review_round, answered, rating_requested = S.IN_PROGRESS, 1, None, None
                    due = self.due(t, term, day_count)
                else:
                    st, closed = S.CLOSED, t
                    close_reason = Appeal.CloseReason.LOW_RATING_AFTER_REVIEW if low else Appeal.CloseReason.RATED
                    flagged = low
            elif action == "close":
                st, closed, close_reason = S.CLOSED, t, Appeal.CloseReason.NOT_RATED
                reason_code = close_reason
            elif action == "close_on_ground":
                st, closed, close_reason = S.CLOSED, t, Appeal.CloseReason.GROUND
                ground = reason_code = step[2]
                comment = step[3]
                actor = executor or rng.choice(self.executors[org])
            events.append((appeal_id, actor, action, before, st, reason_code, comment, public, data, when))

        if st != status:  # the path is drawn to end in the planned status; a bug if not
            raise AssertionError(f"{number}: planned {status}, got {st}")
        self.last_by_citizen[citizen_id] = (appeal_id, number)
        out.appeals.append((
            appeal_id, number, citizen_id, self.region.pk, category_id, municipality_id, place.full,
            latitude, longitude, text, st, org, None, executor, channel, False, _dt(t0),
            _dt(t0 + REGISTRATION_WINDOW.total_seconds()), _dt(registered), _dt(due), _dt(answered), _dt(closed),
            close_reason, ground, duplicate_of, extension_days, extension_reason, redirect_count, review_round,
            flagged, _dt(rating_requested), _dt(t0), CONSENT_VERSION, None, _dt(steps[-1][1]),
        ))

    def _moderator(self):
        return self.rng.choice(self.moderators) if self.moderators else None

    def _path(self, status: str, rereview: bool, t0: float, term: int, org: int, category_id: int) -> list[list]:
        """The moves from submission to the final status, with unsqueezed times."""
        rng, now = self.rng, self.now
        expo = rng.expovariate
        steps = [["submit", t0]]
        if status == S.SUBMITTED:
            return steps
        t = t0 + min(600 + expo(1 / (10 * HOUR)), 2.9 * DAY)
        if status == S.REJECTED:
            ground, comment = _weighted_ground(rng)
            steps.append(["reject", t, ground, comment])
            return steps
        steps.append(["accept", t])
        start = t
        alternative = self.fallback.get(category_id)
        if alternative is not None and alternative != org and rng.random() < REDIRECT_SHARE:
            t += HOUR + min(expo(1 / DAY), 5.5 * DAY)
            steps.append(["redirect", t, alternative])
            org, start = alternative, t
        if status == S.REGISTERED:
            return steps
        t += 300 + min(expo(1 / (12 * HOUR)), 5 * DAY)
        steps.append(["assign" if self.heads[org] and rng.random() < ASSIGN_SHARE else "take", t])
        on_ground = status == S.CLOSED and rng.random() < CLOSE_ON_GROUND_SHARE
        if status == S.CLARIFICATION or rng.random() < CLARIFICATION_SHARE or (on_ground and rng.random() < 0.5):
            t += 2 * HOUR + min(expo(1 / (2 * DAY)), 0.4 * term * DAY)
            steps.append(["request_clarification", t])
            if status == S.CLARIFICATION:
                return steps
            if on_ground:  # no reply came
                t += rng.uniform(7, 15) * DAY
                steps.append(["close_on_ground", t, "unclear", "Заявитель не ответил на запрос уточнения; существо обращения установить невозможно."])
                return steps
            t += HOUR + min(expo(1 / (1.5 * DAY)), 10 * DAY)
            steps.append(["reply", t])
        if on_ground:
            t += rng.uniform(1, max(term / 2, 2)) * DAY
            steps.append(["close_on_ground", t, "out_of_scope", "Вопрос не относится к компетенции организации; заявителю разъяснён порядок обращения."])
            return steps
        extra = 0
        if term >= 30 and not rereview and self.heads[org] and rng.random() < EXTENSION_SHARE:
            extra = rng.choice((10, 15, 20, 30))
            t = max(t + HOUR, start + rng.uniform(0.3, 0.6) * term * DAY)
            steps.append(["extend_deadline", t, extra])
        if status == S.IN_PROGRESS and not rereview:
            return steps
        if status == S.ANSWERED and not rereview:
            target = now - rng.uniform(300, RATING_WINDOW.total_seconds())
        else:
            target = start + rng.triangular(0.05, 1.1, 0.45) * (term + extra) * DAY
        t = max(t + 1800, target)
        steps.append(["answer", t])
        if status == S.ANSWERED and not rereview:
            return steps
        if status == S.CLOSED and rng.random() >= RATED_SHARE:
            t += RATING_WINDOW.total_seconds() + rng.uniform(0, 6 * HOUR)
            steps.append(["close", t])
            return steps
        score, solved = _rating(rng, low=rereview)
        t += HOUR + min(expo(1 / (1.5 * DAY)), 6.5 * DAY)
        low = score <= 2 or not solved
        steps.append(["rate", t, score, solved, rng.choice(LOW_COMMENTS if low else GOOD_COMMENTS)])
        if not low or status == S.IN_PROGRESS:
            return steps
        if status == S.ANSWERED:
            target = now - rng.uniform(300, RATING_WINDOW.total_seconds())
        else:
            target = t + rng.triangular(0.05, 0.9, 0.3) * term * DAY
        t = max(t + 1800, target)
        steps.append(["answer", t])
        if status == S.ANSWERED:
            return steps
        if rng.random() >= RATED_AFTER_REVIEW_SHARE:
            t += RATING_WINDOW.total_seconds() + rng.uniform(0, 6 * HOUR)
            steps.append(["close", t])
            return steps
        score, solved = _rating(rng, low=False)
        low = score <= 2 or not solved
        t += HOUR + min(expo(1 / (1.5 * DAY)), 6.5 * DAY)
        steps.append(["rate", t, score, solved, rng.choice(LOW_COMMENTS if low else GOOD_COMMENTS)])
        return steps

    def _fit(self, steps: list[list], t0: float, status: str) -> None:
        """Squeeze the path so that it ends before now (open appeals then wait a while)."""
        last = steps[-1][1]
        limit = self.now - self.rng.uniform(30, 600)
        if last <= limit or len(steps) == 1:
            return
        room = limit - t0
        if status in Appeal.OPEN_STATUSES:
            room *= self.rng.uniform(0.5, 0.95)
        factor = room / (last - t0)
        previous = t0
        for step in steps[1:]:
            step[1] = max(t0 + (step[1] - t0) * factor, previous + 1)
            previous = step[1]


class _Rows:
    """The rows of one chunk, ready for COPY."""

    def __init__(self):
        self.appeals, self.events, self.clarifications, self.ratings = [], [], [], []
        self.answers: list[list] = []

    def answer(self, appeal_id, author, org, text, review_round, when) -> int:
        self.answers.append([None, appeal_id, author, org, text, review_round, when])
        return len(self.answers) - 1  # replaced by the reserved id before the ratings are written


class _Citizens:
    def __init__(self, ids: list[int], homes: list[int | None]):
        if not ids:
            raise ValueError("no citizens to file the appeals")
        self.ids, self.homes = ids, homes

    def pick(self, rng: random.Random) -> tuple[int, int | None]:
        index = int(len(self.ids) * rng.random() ** 1.25)  # some people write far more than others
        return self.ids[index], self.homes[index]


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _weighted(rng: random.Random, options):
    x, total = rng.random(), 0.0
    for value, weight in options:
        total += weight
        if x < total:
            return value
    return options[-1][0]


def _weighted_ground(rng: random.Random) -> tuple[str, str]:
    x, total = rng.random() * sum(w for _g, w, _c in REJECT_GROUNDS), 0.0
    for ground, weight, comment in REJECT_GROUNDS:
        total += weight
        if x < total:
            return ground, comment
    return REJECT_GROUNDS[0][0], REJECT_GROUNDS[0][2]


def _rating(rng: random.Random, *, low: bool) -> tuple[int, bool]:
    """Scores skewed to the good end; `low` draws one that sends the appeal back (≤ 2 or not solved)."""
    if low:
        score = rng.choice((1, 1, 2, 2, 3, 4))
        return score, score <= 2 and rng.random() < 0.1
    x = rng.random()
    score = 5 if x < 0.50 else 4 if x < 0.75 else 3 if x < 0.86 else 2 if x < 0.92 else 1
    solved = rng.random() < (0.95 if score >= 4 else 0.7 if score == 3 else 0.1)
    return score, solved


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _person(rng: random.Random) -> tuple[str, str, str]:
    female = rng.random() < 0.55
    surname = rng.choice(SURNAMES)[1 if female else 0]
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    return surname, first, patronymic


def _citizen_pool(gen: _Generator, size: int) -> _Citizens:
    """`size` demo residents (resident{n}@demo.local): existing ones first, the rest created."""
    User = get_user_model()
    existing, last_n = [], 0
    for pk, email, municipality_id in (
        User.objects.filter(email__startswith="resident", email__endswith="@demo.local")
        .order_by("pk").values_list("pk", "email", "municipality_id")
    ):
        match = RESIDENT_EMAIL.match(email)
        if match:
            existing.append((pk, municipality_id))
            last_n = max(last_n, int(match.group(1)))
    pool = existing[:size]
    rng = random.Random(f"residents-{gen.region.pk}-{last_n}")
    joined_before = gen.now - gen.window
    new_users = []
    for n in range(last_n + 1, last_n + 1 + size - len(pool)):
        last, first, patronymic = _person(rng)
        municipality_id = gen.municipality_ids[bisect.bisect(gen.municipality_cum, rng.random() * gen.municipality_cum[-1])]
        info = gen.places[gen.municipality_index[municipality_id]]
        place = _Place(info, rng)
        postcode = f"{info['postcode']}, " if info["postcode"] else ""
        new_users.append(User(
            email=f"resident{n}@demo.local", last_name=last, first_name=first, patronymic=patronymic,
            phone=f"+7 914 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            municipality_id=municipality_id,
            postal_address=f"{postcode}{place.full}, кв. {rng.randint(1, 120)}",
            password=make_password(None),
            date_joined=_dt(joined_before - rng.uniform(1, 400) * DAY),
        ))
    for user in User.objects.bulk_create(new_users, batch_size=2000):
        pool.append((user.pk, user.municipality_id))
    return _Citizens([pk for pk, _m in pool], [m if m in gen.municipality_index else None for _pk, m in pool])


def _copy(cursor, model, columns: Sequence[str], rows) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(model._meta.get_field(name).column) for name in columns),
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _reserve_ids(cursor, model, count: int) -> list[int]:
    """`count` ids from the table's identity sequence: unique even with concurrent inserts."""
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


APPEAL_COLUMNS = (
    "id", "number", "citizen", "region", "category", "municipality", "address", "latitude", "longitude",
    "text", "status", "organization", "complained_organization", "executor", "channel", "is_public",
    "submitted_at", "registration_due_at", "registered_at", "due_at", "answered_at", "closed_at",
    "close_reason", "ground", "duplicate_of", "extension_days", "extension_reason", "redirect_count",
    "review_round", "flagged_for_moderator", "rating_requested_at", "consent_at", "consent_version",
    "idempotency_key", "updated_at",
)
EVENT_COLUMNS = ("appeal", "actor", "action", "from_status", "to_status", "reason_code", "comment",
                 "is_public", "data", "created_at")
ANSWER_COLUMNS = ("id", "appeal", "author", "organization", "text", "review_round", "created_at")
RATING_COLUMNS = ("appeal", "answer", "score", "solved", "comment", "created_at")
CLARIFICATION_COLUMNS = ("appeal", "author", "kind", "text", "created_at")


def generate_appeals(
    *,
    count: int,
    region,
    months: int = 12,
    seed: int = 41,
    citizens: list | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    mix: dict[str, float] | None = None,
    statuses: Sequence[str] | None = None,
    organization=None,
) -> int:
    """Insert `count` appeals of `region` with their history over the last `months` months.

    `citizens` (users or ids) file the appeals; by default a pool of about count/5 demo residents
    (at most 5,000, `resident{n}@demo.local`, unusable passwords) is created or reused.
    `mix` overrides DEFAULT_MIX (shares of the final statuses, met exactly); `statuses` gives the
    final status of each appeal instead (len == count). `organization` restricts the appeals to the
    categories and municipalities routed to it. `progress(done, total)` is called after each chunk.
    Returns the number of appeals created.
    """
    if count <= 0:
        return 0
    if statuses is not None:
        if len(statuses) != count:
            raise ValueError("statuses must give one status per appeal")
        unknown = set(statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown statuses: {sorted(unknown)}")
    now = now or timezone.now()
    with transaction.atomic():
        gen = _Generator(region=region, months=months, seed=seed, now=now, citizens=None,
                         mix={**DEFAULT_MIX, **(mix or {})}, statuses=statuses,
                         organization=organization)
        if citizens is None:
            gen.citizens = _citizen_pool(gen, min(max(count // 5, 1), CITIZEN_POOL_MAX))
        else:
            users = {
                pk: municipality_id
                for pk, municipality_id in get_user_model().objects.filter(
                    pk__in=[getattr(c, "pk", c) for c in citizens]
                ).values_list("pk", "municipality_id")
            }
            ids = [getattr(c, "pk", c) for c in citizens]
            gen.citizens = _Citizens(ids, [users.get(pk) if users.get(pk) in gen.municipality_index else None for pk in ids])

        times, kinds, cats = gen.plan(count)
        order = sorted(range(count), key=times.__getitem__)
        years = [datetime.fromtimestamp(times[i], gen.zone).year for i in order]
        next_sequence = _reserve_numbers(region, Counter(years))

        done = 0
        with connection.cursor() as cursor:
            # Foreign keys are checked as each chunk goes in, not all at the commit: the progress
            # shown is the real progress and the server queues no millions of pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for start in range(0, count, CHUNK_SIZE):
                chunk = order[start:start + CHUNK_SIZE]
                ids = _reserve_ids(cursor, Appeal, len(chunk))
                rows = _Rows()
                for appeal_id, index, year in zip(ids, chunk, years[start:start + CHUNK_SIZE], strict=True):
                    sequence = next_sequence[year]
                    next_sequence[year] = sequence + 1
                    gen.build(appeal_id, f"{region.code}-{year}-{sequence:06d}", times[index], kinds[index], cats[index], rows)
                answer_ids = _reserve_ids(cursor, Answer, len(rows.answers))
                for answer, answer_id in zip(rows.answers, answer_ids, strict=True):
                    answer[0] = answer_id
                ratings = [(a, answer_ids[n], s, ok, c, w) for a, n, s, ok, c, w in rows.ratings]
                _copy(cursor, Appeal, APPEAL_COLUMNS, rows.appeals)
                _copy(cursor, Answer, ANSWER_COLUMNS, rows.answers)
                _copy(cursor, Rating, RATING_COLUMNS, ratings)
                _copy(cursor, Event, EVENT_COLUMNS, rows.events)
                _copy(cursor, ClarificationMessage, CLARIFICATION_COLUMNS, rows.clarifications)
                done += len(chunk)
                if progress is not None:
                    progress(done, count)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's constraints are initially deferred
    return count


def _reserve_numbers(region, per_year: Counter) -> dict[int, int]:
    """Move each (region, year) counter past the numbers the generated appeals take; returns the
    first sequence of each year. Later submissions continue after them."""
    first = {}
    statement = sql.SQL(
        "INSERT INTO {table} (region_id, year, last) VALUES (%s, %s, %s) "
        "ON CONFLICT (region_id, year) DO UPDATE SET last = {table}.last + EXCLUDED.last RETURNING last"
    ).format(table=sql.Identifier(AppealNumberCounter._meta.db_table))
    with connection.cursor() as cursor:
        for year, used in sorted(per_year.items()):
            cursor.execute(statement, [region.pk, year, used])
            first[year] = cursor.fetchone()[0] - used + 1
    return first
