"""Catalog entries of issue #16's shorter journey (applied with /work/tools/setkeys.py)."""
ENTRIES = {
    "wizard.ask_role": (
        "Кто вы? Следующие сообщения начнутся с этого выбора; его можно изменить в любой момент.",
        "Сіз кімсіз? Келесі хабарламаларыңыз осы таңдаумен басталады, оны кез келген уақытта өзгертуге болады.",
        "Who are you? Your next reports start with this choice; you can change it at any time.",
    ),
    "wizard.ask_group": (
        "<b>Шаг 1 из 5.</b> Что произошло?\nКто сообщает: {role}.",
        "<b>1-қадам (барлығы 5).</b> Не болды?\nКім хабарлайды: {role}.",
        "<b>Step 1 of 5.</b> What happened?\nReporting as: {role}.",
    ),
    "wizard.change_role": ("👤 Изменить, кто я", "👤 Кім екенімді өзгерту", "👤 Change who I am"),
    "wizard.ask_category": (
        "<b>Шаг 1 из 5.</b> {group}: что именно?",
        "<b>1-қадам (барлығы 5).</b> {group}: нақты не болды?",
        "<b>Step 1 of 5.</b> {group}: what exactly?",
    ),
    "wizard.ask_region": (
        "<b>Шаг 2 из 5.</b> Где это произошло? Выберите область или город.",
        "<b>2-қадам (барлығы 5).</b> Бұл қай жерде болды? Облысты немесе қаланы таңдаңыз.",
        "<b>Step 2 of 5.</b> Where did it happen? Choose the region or city.",
    ),
    "wizard.ask_where": (
        "<b>Шаг 3 из 5.</b> Где именно? Достаточно одного:\n"
        "• номер участка, например 245 или «УИК № 245»;\n"
        "• место словами: школа, работа, адрес (до {max} символов);\n"
        "• геолокация: 📎 → Геопозиция (её видят только модераторы).\n"
        "Если не знаете, нажмите кнопку ниже.",
        "<b>3-қадам (барлығы 5).</b> Нақты қай жерде? Біреуі жеткілікті:\n"
        "• учаске нөмірі, мысалы 245 немесе «№ 245 УСК»;\n"
        "• орынның сипаттамасы: мектеп, жұмыс орны, мекенжай ({max} таңбаға дейін);\n"
        "• орналасқан жер: 📎 → «Геопозиция» (оны тек модераторлар көреді).\n"
        "Білмесеңіз, төмендегі батырманы басыңыз.",
        "<b>Step 3 of 5.</b> Where exactly? One of these is enough:\n"
        "• the precinct number, for example 245 or “No. 245”;\n"
        "• the place in words: a school, a workplace, an address (up to {max} characters);\n"
        "• a location: 📎 → Location (only moderators see it).\n"
        "If you don't know, press a button below.",
    ),
    "wizard.bad_where": (
        "⚠️ Напишите номер участка или место словами либо отправьте геолокацию через 📎 → Геопозиция. "
        "Если не знаете, нажмите кнопку ниже.",
        "⚠️ Учаске нөмірін немесе орынды сөзбен жазыңыз, не 📎 → «Геопозиция» арқылы орналасқан жеріңізді "
        "жіберіңіз. Білмесеңіз, төмендегі батырманы басыңыз.",
        "⚠️ Type the precinct number or the place in words, or send a location with 📎 → Location. "
        "If you don't know, press a button below.",
    ),
    "wizard.ask_when": (
        "<b>Шаг 4 из 5.</b> Когда это произошло?",
        "<b>4-қадам (барлығы 5).</b> Бұл қашан болды?",
        "<b>Step 4 of 5.</b> When did it happen?",
    ),
    "wizard.ask_description": (
        "<b>Шаг 5 из 5.</b> Опишите своими словами, что произошло: кто и что сделал, сколько людей затронуто, "
        "что было сказано. От {min} до {max} символов.\n"
        "Сюда же можно отправить фото, видео, голосовые сообщения или документы, до {files}.\n"
        "Не пишите своё имя, если хотите остаться анонимным.\n\n{note}",
        "<b>5-қадам (барлығы 5).</b> Не болғанын өз сөзіңізбен сипаттаңыз: кім не істеді, қанша адам зардап "
        "шекті, не айтылды. {min} таңбадан {max} таңбаға дейін.\n"
        "Осында фото, бейне, дауыстық хабарлама немесе құжат та жіберуге болады, {files} файлға дейін.\n"
        "Жасырын қалғыңыз келсе, өз атыңызды жазбаңыз.\n\n{note}",
        "<b>Step 5 of 5.</b> Describe what happened, in your own words: who did what, how many people were "
        "affected, what was said. From {min} to {max} characters.\n"
        "You can also send photos, videos, voice messages or documents here, up to {files}.\n"
        "Do not write your own name if you want to stay anonymous.\n\n{note}",
    ),
    "wizard.ask_evidence": (
        "Отправьте доказательства: фото, видео, голосовые сообщения или документы, до {max} файлов.\n"
        "Если доказательств нет, нажмите кнопку ниже.",
        "Дәлел ретінде фото, бейне, дауыстық хабарлама немесе құжат жіберіңіз, {max} файлға дейін.\n"
        "Дәлел болмаса, төмендегі батырманы басыңыз.",
        "Send photos, videos, voice messages or documents as evidence, up to {max} files.\n"
        "If you have none, press the button below.",
    ),
    "wizard.review_hint": (
        "<b>Проверьте сообщение.</b> Исправьте, что нужно, и нажмите «Отправить». Фото, видео и голосовые, "
        "отправленные сейчас, будут приложены к нему.",
        "<b>Хабарламаны тексеріңіз.</b> Қажетін түзетіп, «Жіберу» батырмасын басыңыз. Қазір жіберген фото, "
        "бейне не дауыстық хабарламалар оған қосылады.",
        "<b>Check your report.</b> Change what is wrong, then press Send. Photos, videos or voice messages you "
        "send now are attached to it.",
    ),
    "wizard.review_typed": (
        "⚠️ Чтобы изменить текст, используйте кнопки ✏️ ниже. Фото, видео и голосовые, отправленные сейчас, "
        "будут приложены; когда всё верно, нажмите «Отправить».",
        "⚠️ Мәтінді өзгерту үшін төмендегі ✏️ батырмаларын пайдаланыңыз. Қазір жіберген фото, бейне не "
        "дауыстық хабарламалар қосылады; бәрі дұрыс болса, «Жіберу» батырмасын басыңыз.",
        "⚠️ To change the text, use the ✏️ buttons below. Photos, videos or voice messages you send now are "
        "attached; when all is right, press Send.",
    ),
    "wizard.keep": ("✅ Оставить как есть", "✅ Өзгертпей қалдыру", "✅ Keep as it is"),
    "wizard.current": ("<b>Сейчас:</b>\n{value}", "<b>Қазір:</b>\n{value}", "<b>Now:</b>\n{value}"),
    "wizard.files_attached": (
        ("📎 Приложен {count} файл (максимум {max}).", "📎 Приложено {count} файла (максимум {max}).",
         "📎 Приложено {count} файлов (максимум {max})."),
        ("📎 {count} файл қосылды (ең көбі {max}).", "📎 {count} файл қосылды (ең көбі {max})."),
        ("📎 {count} file attached (at most {max}).", "📎 {count} files attached (at most {max})."),
    ),
}
REMOVE = ["wizard.skip", "wizard.ask_precinct", "wizard.ask_place", "wizard.ask_location", "wizard.bad_place", "wizard.bad_location",
          "wizard.bad_precinct"]
ENTRIES['wizard.ask_contact'] = ('Как быть с вами после отправки?\n🕶 <b>Анонимно.</b> Сообщение ни с кем не связано: ни модераторы, ни мы, ни тот, кто заберёт сервер вместе с ключом, не смогут узнать, что его отправили вы. Уведомлений и вопросов не будет. Статус можно узнать кнопкой на квитанции или кодом из неё.\n✉️ <b>Модераторы могут написать мне.</b> Вы получите уведомления и вопросы через бота. Для этого бот хранит зашифрованную ссылку на ваш чат вместе с сообщением; модераторы всё равно не видят, кто вы.', 'Жібергеннен кейін сізбен қалай болады?\n🕶 <b>Жасырын.</b> Хабарлама ешкімге байланыстырылмайды: оны сіз жібергеніңізді модераторлар да, біз де, серверді кілтімен қоса алып кеткен адам да біле алмайды. Хабарландырулар мен сұрақтар келмейді. Мәртебесін түбіртектегі батырма немесе ондағы код арқылы білуге болады.\n✉️ <b>Модераторлар маған жаза алады.</b> Хабарландырулар мен сұрақтарды бот арқылы аласыз. Ол үшін бот хабарламамен бірге сіздің чатыңызға шифрланған сілтемені сақтайды; модераторлар бәрібір сіздің кім екеніңізді көрмейді.', 'What should happen after you send it?\n🕶 <b>Anonymous.</b> The report is linked to nobody: neither the moderators, nor we, nor whoever takes the server together with its key can learn that you sent it. You get no notifications and no questions. You can see its status with the button on your receipt or the code in it.\n✉️ <b>Moderators may write to me.</b> You get notifications and questions through the bot. For that the bot keeps an encrypted link to your chat with the report; moderators still do not see who you are.')
