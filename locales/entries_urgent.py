"""Catalog keys of the urgent path ("It is happening now / I am in danger"), applied with
/work/tools/setkeys.py (domain messages). Each entry: (ru, kk, en), the same placeholders."""

ENTRIES = {
    "menu.urgent": (
        "🆘 Это происходит сейчас / мне угрожает опасность",
        "🆘 Қазір болып жатыр / маған қауіп төніп тұр",
        "🆘 It is happening now / I am in danger",
    ),
    "urgent.safety": (
        "🆘 <b>Если вам угрожает опасность прямо сейчас, звоните 102 (полиция) или 112 (единая служба спасения).</b>\n"
        "• Если можете, уйдите в безопасное место; не спорьте и не вступайте в конфликт.\n"
        "• Эту переписку можно удалить: сообщение останется у модераторов, а ваше имя в нём не хранится.\n"
        "• Бот не будет писать вам сам, если вы этого не разрешите.",
        "🆘 <b>Дәл қазір сізге қауіп төніп тұрса, 102 (полиция) немесе 112 (бірыңғай құтқару қызметі) нөміріне қоңырау шалыңыз.</b>\n"
        "• Мүмкін болса, қауіпсіз жерге барыңыз; дауласпаңыз, қақтығысқа бармаңыз.\n"
        "• Бұл хат алмасуды өшіруге болады: хабарлама модераторларда қалады, ал сіздің атыңыз онда сақталмайды.\n"
        "• Сіз рұқсат бермесеңіз, бот сізге өзі жазбайды.",
        "🆘 <b>If you are in danger right now, call 102 (police) or 112 (emergency service).</b>\n"
        "• If you can, move somewhere safe; do not argue or get into a conflict.\n"
        "• You can delete this chat: the report stays with the moderators, and your name is not kept in it.\n"
        "• The bot will not write to you unless you allow it.",
    ),
    "urgent.ask": (
        "Что происходит? Одно нажатие — и сообщение сразу уйдёт модераторам как срочное, анонимно.",
        "Не болып жатыр? Бір рет басыңыз — хабарлама модераторларға бірден шұғыл әрі жасырын түрде жіберіледі.",
        "What is happening? One tap sends it to the moderators at once, as urgent and anonymous.",
    ),
    "urgent.choice.threats": (
        "⚠️ Угрозы, насилие, запугивание",
        "⚠️ Қорқыту, зорлық-зомбылық, үркіту",
        "⚠️ Threats, violence, intimidation",
    ),
    "urgent.choice.stuffing": (
        "🗳 Вбрасывают бюллетени",
        "🗳 Бюллетеньдер заңсыз салынып жатыр",
        "🗳 Ballots are being stuffed",
    ),
    "urgent.choice.observer_removed": (
        "🚪 Наблюдателя выгоняют с участка",
        "🚪 Байқаушыны учаскеден шығарып жатыр",
        "🚪 An observer is being thrown out",
    ),
    "urgent.choice.other": (
        "❗ Другое нарушение, прямо сейчас",
        "❗ Басқа бұзушылық, дәл қазір",
        "❗ Another violation, right now",
    ),
    "urgent.description.threats": (
        "СРОЧНО, происходит сейчас: угрозы, насилие или запугивание. Подробности автор может прислать следом.",
        "ШҰҒЫЛ, қазір болып жатыр: қорқыту, зорлық-зомбылық немесе үркіту. Толығырақ мәліметті автор кейін жіберуі мүмкін.",
        "URGENT, happening now: threats, violence or intimidation. The reporter may send details next.",
    ),
    "urgent.description.stuffing": (
        "СРОЧНО, происходит сейчас: вброс бюллетеней. Подробности автор может прислать следом.",
        "ШҰҒЫЛ, қазір болып жатыр: бюллетеньдерді заңсыз салу. Толығырақ мәліметті автор кейін жіберуі мүмкін.",
        "URGENT, happening now: ballot stuffing. The reporter may send details next.",
    ),
    "urgent.description.observer_removed": (
        "СРОЧНО, происходит сейчас: наблюдателя удаляют с участка. Подробности автор может прислать следом.",
        "ШҰҒЫЛ, қазір болып жатыр: байқаушыны учаскеден шығарып жатыр. Толығырақ мәліметті автор кейін жіберуі мүмкін.",
        "URGENT, happening now: an observer is being removed from the polling station. The reporter may send details next.",
    ),
    "urgent.description.other": (
        "СРОЧНО, происходит сейчас: нарушение, о котором автор сообщил как о срочном. Подробности автор может прислать следом.",
        "ШҰҒЫЛ, қазір болып жатыр: автор шұғыл деп хабарлаған бұзушылық. Толығырақ мәліметті автор кейін жіберуі мүмкін.",
        "URGENT, happening now: a violation the reporter marked as urgent. The reporter may send details next.",
    ),
    "urgent.follow_up": (
        "✍️ Если можете, отправьте сейчас текст, фото, видео, голосовое сообщение или геопозицию: каждое будет добавлено к срочному сообщению, и модераторы сразу это увидят. "
        "Связь этого чата с сообщением бот держит только в памяти и только {minutes} минут; на диск она не записывается.",
        "✍️ Мүмкін болса, қазір мәтін, фото, бейне, дауыстық хабар немесе геолокация жіберіңіз: әрқайсысы шұғыл хабарламаға қосылады, модераторлар оны бірден көреді. "
        "Бұл чаттың хабарламамен байланысын бот тек жадында және тек {minutes} минут сақтайды; ол дискіге жазылмайды.",
        "✍️ If you can, send text, a photo, a video, a voice message or your location now: each is added to the urgent report, and the moderators see it at once. "
        "The bot keeps the link between this chat and the report in memory only, for {minutes} minutes; it is never written to disk.",
    ),
    "urgent.done": (
        "✅ Больше ничего не добавлю",
        "✅ Басқа ештеңе қоспаймын",
        "✅ Nothing more to add",
    ),
    "urgent.closed": (
        "Хорошо. Связь этого чата с вашим срочным сообщением удалена. Берегите себя.",
        "Жарайды. Бұл чаттың шұғыл хабарламаңызбен байланысы жойылды. Өзіңізді күтіңіз.",
        "All right. The link between this chat and your urgent report is gone. Take care.",
    ),
    "urgent.added": (
        "✅ {what}: добавлено к {reference}, модераторы уведомлены.",
        "✅ {what}: {reference} хабарламасына қосылды, модераторларға хабарланды.",
        "✅ {what}: added to {reference}; the moderators have been told.",
    ),
    "urgent.added.text": ("Текст", "Мәтін", "Text"),
    "urgent.added.location": ("Геопозиция", "Геолокация", "Location"),
    "urgent.added.photo": ("Фото", "Фотосурет", "Photo"),
    "urgent.added.video": ("Видео", "Бейне", "Video"),
    "urgent.added.voice": ("Голосовое сообщение", "Дауыстық хабар", "Voice message"),
    "urgent.added.video_note": ("Видеосообщение", "Бейнехабар", "Video message"),
    "urgent.added.audio": ("Аудио", "Аудиожазба", "Audio"),
    "urgent.added.document": ("Файл", "Құжат", "File"),
    "mod.card.urgent": (
        "🆘 <b>СРОЧНО: происходит сейчас</b>",
        "🆘 <b>ШҰҒЫЛ: қазір болып жатыр</b>",
        "🆘 <b>URGENT: happening now</b>",
    ),
    "mod.urgent_added": (
        "🆘 <b>{reference}</b>: добавлено — {what}",
        "🆘 <b>{reference}</b>: қосылды — {what}",
        "🆘 <b>{reference}</b>: added — {what}",
    ),
    "mod.urgent_flag": ("🆘", "🆘", "🆘"),
    "mod.history.urgent_added": (
        "🆘 {who}, {at}: добавлено после срочного сообщения — {what}",
        "🆘 {who}, {at}: шұғыл хабарламадан кейін қосылды — {what}",
        "🆘 {who}, {at}: added after the urgent report — {what}",
    ),
    "category.threats": (
        "Угрозы, насилие или запугивание",
        "Қорқыту, зорлық-зомбылық немесе үркіту",
        "Threats, violence or intimidation",
    ),
    "region.unknown": (
        "❔ Регион пока не указан",
        "❔ Өңір әлі көрсетілмеген",
        "❔ Region not stated yet",
    ),
    "priority.normal": ("Обычное", "Қалыпты", "Normal"),
    "priority.urgent": (
        "🆘 Срочное (происходит сейчас)",
        "🆘 Шұғыл (қазір болып жатыр)",
        "🆘 Urgent (happening now)",
    ),
    "web.queue.priority": ("Срочность", "Шұғылдығы", "Priority"),
    "web.queue.priority_any": ("Любая", "Кез келген", "Any"),
    "web.queue.priority_urgent_hint": (
        "Отправлено как «Это происходит сейчас / мне угрожает опасность»",
        "«Қазір болып жатыр / маған қауіп төніп тұр» ретінде жіберілген",
        "Sent as “It is happening now / I am in danger”",
    ),
}
ENTRIES["urgent.follow_up_limit"] = (
    "К одному срочному сообщению можно добавить не больше {max} сообщений. Остальное отправьте новым сообщением (📝 в меню, /start).",
    "Бір шұғыл хабарламаға {max} хабардан артық қосуға болмайды. Қалғанын жаңа хабарлама ретінде жіберіңіз (мәзірдегі 📝, /start).",
    "At most {max} messages can be added to one urgent report. Send the rest as a new report (📝 in the menu, /start).",
)
