"""Catalog entries of issue #24 (nothing a reporter types is lost or misread): (ru, kk, en)."""
ENTRIES = {
    # ---- edits, where exactly, dates, the description ----
    "wizard.edit_elsewhere": (
        "✏️ Исправленное сообщение не меняет ответ на пройденный шаг. Исправить его можно перед отправкой: кнопки ✏️ на последнем шаге.",
        "✏️ Түзетілген хабар өтіп кеткен қадамның жауабын өзгертпейді. Оны жіберер алдында соңғы қадамдағы ✏️ батырмаларымен түзетуге болады.",
        "✏️ Editing a message does not change a step already answered. You can change it before sending, with the ✏️ buttons of the last step.",
    ),
    "wizard.place_clear": ("🗑 Убрать место", "🗑 Орынды өшіру", "🗑 Remove the place"),
    "wizard.place_cleared": (
        "Место убрано. Номер участка и геолокация, если вы их указали, остались.",
        "Орын өшірілді. Учаске нөмірі мен орналасқан жер (көрсетсеңіз) сақталды.",
        "The place is removed. The precinct number and the location, if you gave them, stay.",
    ),
    "wizard.date_no_year": (
        "⚠️ Дата {day} ещё не наступила. Если это было в прошлом году ({last}), нажмите кнопку ниже; иначе напишите дату с годом.",
        "⚠️ {day} күні әлі келген жоқ. Егер бұл былтыр ({last}) болса, төмендегі батырманы басыңыз; әйтпесе күнді жылымен қоса жазыңыз.",
        "⚠️ {day} has not come yet. If it was last year ({last}), press the button below; otherwise type the date with its year.",
    ),
    "wizard.date_last_year": ("Да, в прошлом году", "Иә, былтыр", "Yes, last year"),
    "wizard.voice_description": (
        "🎤 Описание — в голосовом сообщении: прослушайте его в файлах.",
        "🎤 Сипаттама дауыстық хабарда: оны файлдардан тыңдаңыз.",
        "🎤 The description is in the voice message: listen to it among the files.",
    ),
    "wizard.description_words": (
        "⚠️ Опишите словами, что произошло: кто, что и где. Можно отправить голосовое сообщение.",
        "⚠️ Не болғанын сөзбен жазыңыз: кім, не, қай жерде. Дауыстық хабар да жіберуге болады.",
        "⚠️ Please say in words what happened: who, what, where. A voice message works too.",
    ),
    # ---- urgent additions and answers to moderators: never cut ----
    "feedback.answer_too_long": (
        "⚠️ Ответ длиннее {max} символов и не сохранён. Отправьте его частями.",
        "⚠️ Жауап {max} таңбадан ұзын, сондықтан сақталмады. Оны бөліп жіберіңіз.",
        "⚠️ The answer is longer than {max} characters and was not saved. Please send it in parts.",
    ),
    "feedback.answer_which": (
        "Модераторы задали вопросы по нескольким вашим обращениям. К какому относится этот ответ?",
        "Модераторлар бірнеше хабарламаңыз бойынша сұрақ қойды. Бұл жауап қайсысына қатысты?",
        "The moderators asked about several of your reports. Which one is this answer about?",
    ),
    "feedback.answer_to": ("Ответ по {reference}", "{reference} бойынша жауап", "About {reference}"),
    "mod.reporter_answer_file": (
        "💬 <b>Автор ответил по {reference} файлом:</b> он ниже.",
        "💬 <b>{reference} бойынша автор файлмен жауап берді:</b> ол төменде.",
        "💬 <b>The reporter answered on {reference} with a file:</b> it is below.",
    ),
    "feedback.reply_hint": (
        "↩️ Чтобы ответить модераторам, просто напишите ответ или отправьте фото, видео, голосовое сообщение или файл. Если вопросов несколько, нажмите на нужное сообщение → «Ответить».",
        "↩️ Модераторларға жауап беру үшін жауабыңызды жаза салыңыз немесе фото, бейне, дауыстық хабар не файл жіберіңіз. Сұрақ бірнешеу болса, керек хабарды басып, «Жауап беру» тармағын таңдаңыз.",
        "↩️ To answer the moderators, just write your answer or send a photo, a video, a voice message or a file. If there are several questions, tap the message concerned → Reply.",
    ),
    # ---- the urgent path's next minutes ----
    "urgent.sent": (
        "✅ <b>Срочное сообщение {reference} передано модераторам.</b>\nКод квитанции: <code>{code}</code>. Запишите его: по нему команда /status покажет, что с сообщением. Кнопка ниже показывает то же.",
        "✅ <b>{reference} шұғыл хабарламасы модераторларға жіберілді.</b>\nТүбіртек коды: <code>{code}</code>. Оны жазып алыңыз: /status командасы осы код бойынша хабарламаның мәртебесін көрсетеді. Төмендегі батырма да соны көрсетеді.",
        "✅ <b>Urgent report {reference} has been passed to the moderators.</b>\nReceipt code: <code>{code}</code>. Write it down: with it, /status shows what is happening with the report. The button below shows the same.",
    ),
    "urgent.follow_up": (
        "🆘 В опасности — звоните 102 или 112.\n✍️ Ещё {minutes} минут (или до перезапуска бота) всё, что вы сюда отправите — текст, фото, видео, голос, геолокацию, — добавится к этому сообщению.",
        "🆘 Қауіп төнсе, 102 немесе 112 нөміріне қоңырау шалыңыз.\n✍️ Тағы {minutes} минут бойы (не бот қайта іске қосылғанға дейін) осында жіберген нәрсеңіздің бәрі — мәтін, фото, бейне, дауыстық хабар, орналасқан жер — осы хабарламаға қосылады.",
        "🆘 In danger? Call 102 or 112.\n✍️ For {minutes} more minutes (or until the bot restarts), whatever you send here (text, a photo, a video, a voice message, your location) is added to this report.",
    ),
    "urgent.where": ("📍 Указать, где это", "📍 Қай жерде екенін көрсету", "📍 Say where it is"),
    "urgent.ask_region": (
        "📍 Где это происходит? Выберите область или город.",
        "📍 Бұл қай жерде болып жатыр? Облысты немесе қаланы таңдаңыз.",
        "📍 Where is it happening? Choose the region or city.",
    ),
    "urgent.ask_place": (
        "📍 {region}: сохранено. Если знаете номер участка или место (школа, адрес), напишите его одним сообщением (до {max} символов). Не знаете — ничего не пишите.",
        "📍 {region}: сақталды. Учаске нөмірін немесе орынды (мектеп, мекенжай) білсеңіз, бір хабармен жазыңыз ({max} таңбаға дейін). Білмесеңіз, ештеңе жазбаңыз.",
        "📍 {region}: saved. If you know the precinct number or the place (a school, an address), send it in one message (up to {max} characters). If not, send nothing.",
    ),
    "urgent.link_ended": (
        "Время добавлять к срочному сообщению закончилось. Отправьте новое сообщение о нарушении; статус прежнего — по коду квитанции (/status).",
        "Шұғыл хабарламаға қосу уақыты аяқталды. Бұзушылық туралы жаңа хабарлама жіберіңіз; алдыңғысының мәртебесін түбіртек коды бойынша біліңіз (/status).",
        "The time to add to the urgent report has ended. Send a new report; the earlier one's status is under its receipt code (/status).",
    ),
    "urgent.link_closed": (
        "ℹ️ То, что вы отправите дальше, больше не добавляется к срочному сообщению. Статус его — по коду квитанции (/status).",
        "ℹ️ Бұдан кейін жіберген нәрсеңіз шұғыл хабарламаға енді қосылмайды. Оның мәртебесін түбіртек коды бойынша біліңіз (/status).",
        "ℹ️ What you send from now on is no longer added to the urgent report. Its status is under its receipt code (/status).",
    ),
    "urgent.added.region": ("Область", "Облыс", "Region"),
    "urgent.added.precinct": ("Номер участка", "Учаске нөмірі", "Precinct number"),
    "urgent.added.place": ("Место", "Орын", "Place"),
    "common.file_outside": (
        "Этот файл ни к чему не приложен. Если вы добавляли его к срочному сообщению, время для этого закончилось (30 минут, или бот перезапускался). Нажмите «📝 Сообщить о нарушении» и приложите его к новому сообщению; статус прежнего — по коду квитанции (/status).",
        "Бұл файл ешнәрсеге тіркелмеді. Егер оны шұғыл хабарламаға қоспақ болсаңыз, оның уақыты өтіп кетті (30 минут немесе бот қайта іске қосылды). «📝 Бұзушылық туралы хабарлау» батырмасын басып, оны жаңа хабарламаға тіркеңіз; алдыңғысының мәртебесін түбіртек коды бойынша біліңіз (/status).",
        "This file is not attached to anything. If you meant it for an urgent report, the time to add to it has ended (30 minutes, or the bot restarted). Press “📝 Report a violation” and attach it to a new report; the earlier one's status is under its receipt code (/status).",
    ),
}

# ---- removing a file, /deletemydata, /status, language fixes (issue #24, point 9) ----
ENTRIES.update({
    "wizard.drop_file": ("🗑 Убрать последний файл", "🗑 Соңғы файлды алып тастау", "🗑 Remove the last file"),
    "wizard.file_dropped": (
        "🗑 Убрано: {what}. Остальные файлы на месте.",
        "🗑 Алып тасталды: {what}. Қалған файлдар орнында.",
        "🗑 Removed: {what}. The other files stay.",
    ),
    "delete.observer": (
        "Вы — аккредитованный наблюдатель. Отметка об аккредитации тоже будет удалена; чтобы вернуть её, попросите у координатора новую ссылку-приглашение.",
        "Сіз аккредиттелген байқаушысыз. Аккредиттеу белгісі де өшіріледі; оны қайтару үшін үйлестірушіден жаңа шақыру сілтемесін сұраңыз.",
        "You are an accredited observer. Your accreditation mark is deleted too; to get it back, ask your coordinator for a new invite link.",
    ),
    "receipt.not_reference": (
        "{reference} — это номер сообщения, а не код квитанции. Код квитанции выглядит так: <code>ABCD-EFGH-JKLM</code>; он был в подтверждении отправки. Отправьте: <code>/status КОД</code>.",
        "{reference} — хабарламаның нөмірі, түбіртек коды емес. Түбіртек коды мынадай болады: <code>ABCD-EFGH-JKLM</code>; ол хабарлама жіберілгеннен кейін келген растауда болды. Былай жіберіңіз: <code>/status КОД</code>.",
        "{reference} is the report's number, not the receipt's code. A receipt code looks like <code>ABCD-EFGH-JKLM</code>; it was in the confirmation you got. Send: <code>/status CODE</code>.",
    ),
    "menu.report": ("📝 Сообщить о нарушении", "📝 Бұзушылық туралы хабарлау", "📝 Report a violation"),
    "common.unknown": (
        "Не понял вас. Чтобы сообщить о нарушении, нажмите «📝 Сообщить о нарушении» или отправьте /report.",
        "Сізді түсінбедім. Бұзушылық туралы хабарлау үшін «📝 Бұзушылық туралы хабарлау» батырмасын басыңыз немесе /report жіберіңіз.",
        "I did not understand you. To report a violation, press «📝 Report a violation» or send /report.",
    ),
    "wizard.change_role": ("👤 Сменить роль", "👤 Рөлді ауыстыру", "👤 Change role"),
    "role.other": ("👤 Другое лицо", "👤 Басқа адам", "👤 Someone else"),
    "wizard.when_today": ("Сегодня, раньше (укажу время)", "Бүгін, сәл бұрын", "Earlier today (I'll give the time)"),
    "wizard.when_now": ("Только что", "Жаңа ғана", "Just now"),
    # Counts of characters in the catalog's plural forms, one number format (Translator.plural).
    "summary.description_kept": (
        ("<i>… всего {count} символ: текст сохранён целиком и будет отправлен полностью.</i>",
         "<i>… всего {count} символа: текст сохранён целиком и будет отправлен полностью.</i>",
         "<i>… всего {count} символов: текст сохранён целиком и будет отправлен полностью.</i>"),
        ("<i>… барлығы {count} таңба: мәтін толық сақталды және толығымен жіберіледі.</i>",
         "<i>… барлығы {count} таңба: мәтін толық сақталды және толығымен жіберіледі.</i>"),
        ("<i>… {count} character in all: the whole text is kept and will be sent.</i>",
         "<i>… {count} characters in all: the whole text is kept and will be sent.</i>"),
    ),
    "summary.description_more": (
        ("<i>… всего {count} символ; целиком — в /view и на панели.</i>",
         "<i>… всего {count} символа; целиком — в /view и на панели.</i>",
         "<i>… всего {count} символов; целиком — в /view и на панели.</i>"),
        ("<i>… барлығы {count} таңба; толық нұсқасы /view пен панельде.</i>",
         "<i>… барлығы {count} таңба; толық нұсқасы /view пен панельде.</i>"),
        ("<i>… {count} character in all; the whole text is in /view and on the dashboard.</i>",
         "<i>… {count} characters in all; the whole text is in /view and on the dashboard.</i>"),
    ),
    "wizard.description_joined": (
        ("✅ Продолжение описания добавлено: всего {count} символ.",
         "✅ Продолжение описания добавлено: всего {count} символа.",
         "✅ Продолжение описания добавлено: всего {count} символов."),
        ("✅ Сипаттаманың жалғасы қосылды: барлығы {count} таңба.",
         "✅ Сипаттаманың жалғасы қосылды: барлығы {count} таңба."),
        ("✅ The rest of your description was added: {count} character in all.",
         "✅ The rest of your description was added: {count} characters in all."),
    ),
    "wizard.description_long": (
        tuple(f"⚠️ В тексте {{count}} {word}, а можно не больше {{max}}. Текст сохранён: пришлите покороче или нажмите кнопку, чтобы оставить первые {{max}} символов. Фото и файлы можно отправить прямо сюда."
              for word in ("символ", "символа", "символов")),
        ("⚠️ Мәтінде {count} таңба бар, ал {max} таңбадан аспауы керек. Мәтін сақталды: қысқасын жіберіңіз немесе алғашқы {max} таңбасын қалдыру үшін батырманы басыңыз. Фото мен файлдарды осы жерге жіберуге болады.",) * 2,
        tuple(f"⚠️ That is {{count}} {word}; the limit is {{max}}. Your text is kept: send a shorter one, or press the button to keep its first {{max}} characters. Photos and files can be sent right here."
              for word in ("character", "characters")),
    ),
    "wizard.place_too_long": (
        tuple(f"⚠️ В описании места {{count}} {word}, а можно не больше {{max}}. Сократите его и отправьте снова (ваш текст остался в чате выше); подробности можно написать в описании."
              for word in ("символ", "символа", "символов")),
        ("⚠️ Орын сипаттамасында {count} таңба бар, ал {max} таңбадан аспауы керек. Қысқартып, қайта жіберіңіз (мәтініңіз чатта жоғарыда тұр); толығырақ сипаттамада жазуға болады.",) * 2,
        tuple(f"⚠️ The place is {{count}} {word} long; it can be at most {{max}}. Shorten it and send it again (your text is still in the chat above); details go in the description."
              for word in ("character", "characters")),
    ),
    "urgent.too_long": (
        tuple(f"⚠️ В тексте {{count}} {word}, а в одно добавление входит не больше {{max}}. Ничего не добавлено: отправьте его частями."
              for word in ("символ", "символа", "символов")),
        ("⚠️ Мәтінде {count} таңба бар, ал бір қосымшаға {max} таңбадан артық сыймайды. Ештеңе қосылмады: оны бөліп жіберіңіз.",) * 2,
        tuple(f"⚠️ The text is {{count}} {word} long; one addition takes at most {{max}}. Nothing was added: send it in parts."
              for word in ("character", "characters")),
    ),
})

# Words changed inside longer texts (ru, kk): (old, new) per language.
SUBSTITUTIONS = {
    "ru": [
        ("<b>Новое сообщение.</b>", "<b>Сообщение о нарушении.</b>"),
        ("Не пишите своё имя, если хотите остаться анонимным.", "Не пишите своё имя, если хотите сохранить анонимность."),
        ("даже для того, кто заберёт сервер вместе с ключом.", "даже если сервер изъят вместе с ключом."),
        ("ни модераторы, ни мы, ни тот, кто заберёт сервер вместе с ключом, не смогут узнать, что его отправили вы.",
         "ни модераторы, ни мы не сможем узнать, что его отправили вы, даже если сервер изъят вместе с ключом."),
        ('msgstr "Акмолинская"', 'msgstr "Акмолинская область"'),
        ('msgstr "Актюбинская"', 'msgstr "Актюбинская область"'),
        ('msgstr "Алматинская"', 'msgstr "Алматинская область"'),
        ('msgstr "Атырауская"', 'msgstr "Атырауская область"'),
        ('msgstr "Восточно-Казахстанская"', 'msgstr "Восточно-Казахстанская область"'),
        ('msgstr "Карагандинская"', 'msgstr "Карагандинская область"'),
        ('msgstr "Костанайская"', 'msgstr "Костанайская область"'),
        ('msgstr "Кызылординская"', 'msgstr "Кызылординская область"'),
        ('msgstr "Мангистауская"', 'msgstr "Мангистауская область"'),
        ('msgstr "Северо-Казахстанская"', 'msgstr "Северо-Казахстанская область"'),
        ('msgstr "Павлодарская"', 'msgstr "Павлодарская область"'),
        ('msgstr "Туркестанская"', 'msgstr "Туркестанская область"'),
        ('msgstr "Западно-Казахстанская"', 'msgstr "Западно-Казахстанская область"'),
        ('msgstr "Жамбылская"', 'msgstr "Жамбылская область"'),
    ],
    "kk": [
        ("<b>Жаңа хабарлама.</b>", "<b>Бұзушылық туралы хабарлама.</b>"),
        ("серверді кілтімен қоса алып кеткен адам үшін де.", "сервер кілтімен қоса тәркіленсе де."),
        ("оны сіз жібергеніңізді модераторлар да, біз де, серверді кілтімен қоса алып кеткен адам да біле алмайды.",
         "сервер кілтімен қоса тәркіленсе де, оны сіз жібергеніңізді модераторлар да, біз де біле алмаймыз."),
        ("оны шынайы деп тапты", "оны сенімді деп тапты"),
    ],
    "en": [
        ("<b>New report.</b>", "<b>Report a violation.</b>"),
    ],
}

ENTRIES["wizard.description_again"] = (
    "<b>Шаг 5 из 5.</b> Теперь опишите словами, что произошло (от {min} символов), или отправьте ещё файлы.",
    "<b>5-қадам (барлығы 5).</b> Енді не болғанын сөзбен жазыңыз (кемінде {min} таңба) немесе тағы файл жіберіңіз.",
    "<b>Step 5 of 5.</b> Now say in words what happened (at least {min} characters), or send more files.",
)
