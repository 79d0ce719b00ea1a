"""A database of many realistic reports, written quickly, for the dashboard benchmarks.

Reports are inserted with plain SQL in one transaction (the FTS5 index ``reports_search`` is fed by
its triggers, as for reports the bot stores), with the rows a real database would hold beside
them: the reporters, 50 moderators with display names, a "submitted" audit row for every report
and a status row for every one a moderator moved, escalation steps, and evidence rows (no files:
the pages read none). Spread: 21 regions (the three cities larger), every category, every status
(most reports handled, a fifth still new), precinct numbers, 30 days of submission times with
the last day the busiest, and descriptions of two to four sentences in Russian (about half),
Kazakh (40 %) or English, with numbers, so the search index holds realistic words.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from domain import clock
from domain.rules import CATEGORIES, ESCALATION_TARGETS, REGIONS
from storage.crypto import Keys
from storage.db import Database
from storage.reports import reference_for

RU = (
    "Начальник велел всему коллективу голосовать и прислать фото бюллетеня.",
    "На участке №{n} член комиссии выдал одному человеку сразу {k} бюллетеней.",
    "Наблюдателя не пустили в помещение для голосования, сославшись на приказ председателя.",
    "Около школы раздавали продуктовые наборы и просили голосовать за кандидата.",
    "В урну опустили пачку бюллетеней, это было видно через прозрачную стенку.",
    "Списки избирателей содержат умерших людей и тех, кто давно уехал.",
    "Студентов общежития привезли на автобусе и проверяли, кто проголосовал.",
    "Кабины для голосования стоят так, что видно, кто за кого голосует.",
    "При подсчёте голосов председатель закрыл обзор наблюдателям.",
    "Копию протокола наблюдателю не выдали, сказали прийти завтра.",
    "Агитационные листовки висят прямо у входа на избирательный участок.",
    "Учителей обязали прийти к {h}:00 и отметиться у завуча после голосования.",
    "Карусель: одни и те же люди голосовали на нескольких участках.",
    "Пандуса нет, пожилая женщина на коляске не смогла попасть на участок.",
    "Посторонние люди в спортивной форме стояли у урны весь день.",
    "Фото сделано в {h}:{m:02d}, на нём видно, как заполняют бюллетени за других.",
    "Акимат рассылал сообщения в чатах с требованием явки всех сотрудников.",
    "Число выданных бюллетеней не совпадает с числом подписей в списке.",
    "Председатель комиссии удалил наблюдателя без объяснения причин.",
    "Перед участком стояли машины с агитацией в день тишины.",
    "Мне предложили {k} тысяч тенге за голос и фото бюллетеня.",
    "Протокол подписали до окончания подсчёта, цифры вписали карандашом.",
    "Сейф с бюллетенями оставался открытым во время перерыва.",
    "Видео прилагаю, снято с разрешения, лица членов комиссии видны.",
)
KK = (
    "Жұмыс беруші барлық қызметкерлерді дауыс беруге апарып, бюллетеньді суретке түсіруді талап етті.",
    "№{n} учаскеде комиссия мүшесі бір адамға {k} бюллетень берді.",
    "Бақылаушыны дауыс беру үй-жайына кіргізбеді.",
    "Мектептің жанында азық-түлік таратып, кандидатқа дауыс беруді сұрады.",
    "Жәшікке бір бума бюллетень салынды, мөлдір қабырғадан көрінді.",
    "Сайлаушылар тізімінде қайтыс болған адамдар бар.",
    "Студенттерді автобуспен әкеліп, кім дауыс бергенін тексерді.",
    "Дауыс санау кезінде төраға бақылаушылардың көзін жапты.",
    "Хаттаманың көшірмесін бақылаушыға бермеді.",
    "Үгіт парақтары учаскенің кіреберісінде ілулі тұр.",
    "Мұғалімдерді сағат {h}:00-де келіп, дауыс бергеннен кейін белгіленуге міндеттеді.",
    "Пандус жоқ, арбадағы қарт әйел учаскеге кіре алмады.",
    "Бөгде адамдар күні бойы жәшіктің қасында тұрды.",
    "Берілген бюллетеньдер саны тізімдегі қолдар санымен сәйкес келмейді.",
    "Маған дауыс үшін {k} мың теңге ұсынды.",
    "Хаттамаға санау аяқталмай тұрып қол қойылды.",
    "Бейнежазбаны қоса беремін, комиссия мүшелерінің беттері көрінеді.",
    "Әкімдік қызметкерлерге чаттарда міндетті түрде келу туралы хабарлама жіберді.",
)
EN = (
    "The manager told the whole team to vote and send a photo of the ballot.",
    "At precinct {n} a commission member handed one person {k} ballots.",
    "The observer was not let into the voting room.",
    "Food parcels were handed out near the school with a request to vote for a candidate.",
    "A stack of ballots went into the box; it was visible through the glass.",
    "The chairman blocked the observers' view during the count.",
)
PLACES = {"ru": ("Школа №{n}", "Гимназия №{n}", "Дом культуры", "Больница №{n}", "Колледж", "Акимат района"),
          "kk": ("№{n} мектеп", "Мәдениет үйі", "№{n} аурухана", "Колледж", "Аудан әкімдігі"),
          "en": ("School {n}", "House of culture", "Hospital {n}")}
REGION_WEIGHTS = {"almaty_city": 8, "astana": 6, "shymkent": 5, "turkestan": 4, "abroad": 1}
# Most reports handled by the time there are 50,000; a fifth still new.
STATUS_WEIGHTS = {"new": 20, "in_review": 10, "verified": 8, "rejected": 22, "duplicate": 10, "escalated": 10,
                  "resolved": 20}
TAKEN = ("in_review", "verified", "escalated", "resolved")
MODERATORS = 50


@dataclass
class Seeded:
    reports: int
    evidence: int
    audit: int
    moderators: list[int]  # person ids, each with a display name
    references: list[str]  # a sample of references, for the report page
    seconds: float


def _description(rng: random.Random, lang: str) -> str:
    pool = {"ru": RU, "kk": KK, "en": EN}[lang]
    sentences = rng.sample(pool, rng.randint(2, 4))
    return " ".join(s.format(n=rng.randint(1, 900), k=rng.randint(2, 20), h=rng.randint(8, 20),
                             m=rng.randint(0, 59)) for s in sentences)


def _submitted(rng: random.Random, now: datetime) -> datetime:
    """30 days of reports, the last day (voting day) holding about 40 % of them."""
    if rng.random() < 0.4:
        return now - timedelta(seconds=rng.uniform(60, 24 * 3600))
    return now - timedelta(seconds=rng.uniform(24 * 3600, 30 * 24 * 3600))


async def seed(path: Path, keys: Keys, count: int, seed_value: int = 14, analyze: bool = False) -> Seeded:
    """Create (migrate) the database at ``path`` holding ``count`` reports. ``analyze``: run
    ANALYZE afterwards (the bot itself never does, so by default the planner has no statistics)."""
    import time
    began = time.monotonic()
    rng = random.Random(seed_value)
    db = await Database.open(path)
    now = clock.now()
    now_iso = clock.iso(now)
    regions = list(REGIONS)
    region_weights = [REGION_WEIGHTS.get(r, 2) for r in regions]
    categories = list(CATEGORIES)
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO people (id, pseudonym, language, role, created_at, updated_at, staff_name, staff_code)"
            " VALUES (?, ?, ?, 'moderator', ?, ?, ?, ?)",
            [(i + 1, keys.pseudonym(900_000_000 + i), "ru" if i % 3 else "kk", now_iso[:10], now_iso[:10],
              f"Модератор {i + 1}", f"{i + 1:04X}") for i in range(MODERATORS)])
        moderators = list(range(1, MODERATORS + 1))
        reporters = max(1, int(count * 0.7))  # some people send more than one report
        await conn.executemany(
            "INSERT INTO people (id, pseudonym, language, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(MODERATORS + 1 + i, hashlib.sha256(f"bench-person-{i}".encode()).hexdigest(),
              ("ru", "kk", "ru", "kk", "en")[i % 5], "observer" if i % 10 == 0 else "reporter", now_iso[:10],
              now_iso[:10]) for i in range(reporters)])  # unique is enough: nobody writes as them
        report_rows, audit_rows, evidence_rows, steps = [], [], [], []
        times = sorted(_submitted(rng, now) for _ in range(count))  # ids in the order they came
        for index, submitted in enumerate(times):
            report_id = index + 1
            lang = rng.choices(("ru", "kk", "en"), (50, 40, 10))[0]
            role = rng.choices(("voter", "observer", "other"), (70, 20, 10))[0]
            category = rng.choice(categories)
            kind = rng.choices(("number", "none", "unknown"), (85, 5, 10))[0]
            precinct = str(rng.randint(1, 700)) if kind == "number" else None
            place = rng.choice(PLACES[lang]).format(n=rng.randint(1, 120)) if rng.random() < 0.6 else None
            status = rng.choices(statuses, status_weights)[0]
            submitted_iso = clock.iso(submitted)
            changed = submitted + timedelta(minutes=rng.uniform(5, 600))
            changed_iso = clock.iso(min(changed, now)) if status != "new" else None
            taken = rng.choice(moderators) if status in TAKEN else None
            escalated = rng.choice(ESCALATION_TARGETS) if status == "escalated" or (
                status == "resolved" and rng.random() < 0.5) else None
            moderator_code = f"moderator {taken or 1:04X}"
            report_rows.append({
                "id": report_id, "reference": reference_for(report_id),
                "reporter_id": None,  # set below for the reports whose author allowed contact
                "reporter_role": role, "accredited": int(role == "observer" and rng.random() < 0.5),
                "category": CATEGORIES[category], "subcategory": category, "region": rng.choices(regions, region_weights)[0],
                "precinct": precinct, "precinct_kind": kind, "place": place,
                "latitude": None, "longitude": None,
                "occurred_at": clock.iso(submitted - timedelta(minutes=rng.uniform(0, 240))),
                "description": _description(rng, lang), "contact_allowed": int(rng.random() < 0.3),
                "status": status, "submitted_at": submitted_iso, "submission_key": uuid.UUID(int=rng.getrandbits(128)).hex,
                "taken_by": taken, "status_changed_at": changed_iso,
                "status_note": "Недостаточно данных" if status == "rejected" else None,
                "duplicate_of": reference_for(rng.randint(1, report_id)) if status == "duplicate" else None,
                "escalated_to": escalated, "escalated_at": changed_iso if escalated else None,
                "public_note": "Недостаточно данных" if status == "rejected" else None,
                "external_ref": f"{rng.randint(100, 9999)}/{rng.randint(1, 99)}" if escalated else None,
                "alerted_at": clock.iso(submitted + timedelta(minutes=30)) if status == "new" else None,
            })
            if report_rows[-1]["contact_allowed"]:  # only these keep a link to their author (issue #15)
                report_rows[-1]["reporter_id"] = MODERATORS + 1 + rng.randrange(reporters)
            audit_rows.append((report_id, "reporter", "submitted", None, "new", None, submitted_iso))
            if status != "new":
                audit_rows.append((report_id, moderator_code, "status", "new", status, None, changed_iso))
            if escalated:
                steps.append((report_id, escalated, report_rows[-1]["external_ref"], None, changed_iso, moderator_code))
            if rng.random() < 0.45:  # evidence with about half the reports
                for n in range(rng.choice((1, 1, 1, 2, 3, 5))):
                    unique = f"b{report_id}x{n}"
                    evidence_rows.append((report_id, "photo", f"F{unique}", unique, "image/jpeg", None,
                                          rng.randint(80_000, 3_000_000), uuid.UUID(int=rng.getrandbits(128)).hex * 2,
                                          submitted_iso, f"evidence/{report_id}/{n}.bin", f"previews/{report_id}/{n}.bin"))
        columns = list(report_rows[0])
        await conn.executemany(f"INSERT INTO reports ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
                               report_rows)
        await conn.executemany("INSERT INTO audit_log (report_id, actor, action, from_status, to_status, note, created_at)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?)", audit_rows)
        await conn.executemany("INSERT INTO escalations (report_id, target, external_ref, external_date, created_at, actor)"
                               " VALUES (?, ?, ?, ?, ?, ?)", steps)
        await conn.executemany(
            "INSERT INTO evidence (report_id, kind, file_id, file_unique_id, mime_type, file_name, size, sha256,"
            " received_at, stored_path, preview_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", evidence_rows)
    if analyze:
        await db.conn.execute("ANALYZE")
    await db.close()
    references = [reference_for(rng.randint(1, count)) for _ in range(200)]
    return Seeded(count, len(evidence_rows), len(audit_rows), moderators, references, time.monotonic() - began)
