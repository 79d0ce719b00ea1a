"""Catalog texts for /find's dates as people write them (set with /work/tools/setkeys.py)."""

ENTRIES = {
    "mod.find.bad_date": (
        "{field}={value}: это не дата. Напишите, например, 2026-11-24, 24.11.2026, 24 ноября, 1 дек. 2026 или вчера.",
        "{field}={value}: бұл күн емес. Мысалы, 2026-11-24, 24.11.2026, 24 қараша, 1 жел. 2026 не кеше деп жазыңыз.",
        "{field}={value}: not a date. Write, for example, 2026-11-24, 11/24/2026, 24.11.2026, Nov 24, 1 December 2026 or yesterday.",
    ),
    "mod.find.key.dates": (
        "<b>since=</b> и <b>until=</b> — получено с этого дня и по этот день включительно, по времени {zone}. "
        "Дату можно написать как 2026-11-24, 24.11.2026, 24 ноября, 1 дек. 2026 или вчера; "
        "без года — последний такой день, который уже наступил.",
        "<b>since=</b> және <b>until=</b> — осы күннен бастап және осы күнді қоса алғанға дейін қабылданғандар, {zone} уақытымен. "
        "Күнді 2026-11-24, 24.11.2026, 24 қараша, 1 жел. 2026 не кеше деп жазуға болады; "
        "жылы жазылмаса — осындай күндердің ең соңғы өткені алынады.",
        "<b>since=</b> and <b>until=</b> — received from and up to this day, inclusive, in {zone} time. "
        "Write the day as 2026-11-24, 11/24/2026 (month first), 24.11.2026 (day first), Nov 24, 1 December 2026 or yesterday; "
        "without a year, it is the latest such day that has come.",
    ),
    "mod.find.guide": (
        "<b>Поиск</b>: /find ключ=значение … и любые слова\n"
        "Значение — код или название (или начало названия), регистр не важен. Слова без «=» ищутся в описании и месте. Результаты листаются кнопками.\n"
        "Например: /find region=Астана status=Новое since=1 ноября школа",
        "<b>Іздеу</b>: /find кілт=мән … және кез келген сөздер\n"
        "Мән — код не атауы (не атаудың басы), бас әріп пен кіші әріптің айырмасы жоқ. «=» белгісі жоқ сөздер сипаттама мен орыннан ізделеді. Нәтижелер батырмалармен парақталады.\n"
        "Мысалы: /find region=Астана status=Жаңа since=1 қараша мектеп",
        "<b>Search</b>: /find key=value … and any words\n"
        "A value is a code or a name (or the start of a name), in any case. Words without “=” are looked for in descriptions and places. Page through the results with the buttons.\n"
        "For example: /find region=Astana status=New since=Nov 1 school",
    ),
}
