"""Review of issue #16's new texts and the urgent path (2026-12-02): only the keys changed.
Each entry is (ru, kk, en); the languages not changed are copied from the source files.
Apply from the project root: .venv/bin/python /work/tools/setkeys.py /tmp/review_entries.py"""

ENTRIES = {
    # from /work/main/locales/entries_journey.py
    'wizard.ask_role': (
        'Кто вы? Следующие сообщения начнутся с этого выбора; его можно изменить в любой момент.',
        'Сіз кімсіз? Келесі хабарламаларыңыз осы таңдаумен басталады; оны кез келген уақытта өзгертуге болады.',  # changed
        'Who are you? Your next reports start with this choice; you can change it at any time.',
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.change_role': (
        '👤 Изменить, кто я',
        '👤 Кім екенімді қайта таңдау',  # changed
        '👤 Change who I am',
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.bad_where': (
        '⚠️ Напишите номер участка или место словами либо отправьте геолокацию через 📎 → Геопозиция. Если не знаете, нажмите кнопку ниже.',
        '⚠️ Учаске нөмірін не оқиға болған жерді сөзбен жазыңыз немесе 📎 → «Геопозиция» арқылы орналасқан жерді жіберіңіз. Білмесеңіз, төмендегі батырманы басыңыз.',  # changed
        "⚠️ Type the precinct number or the place in words, or send a location with 📎 → Location. If you don't know, press a button below.",
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.ask_description': (
        '<b>Шаг 5 из 5.</b> Опишите своими словами, что произошло: кто и что сделал, сколько людей затронуто, что было сказано. От {min} до {max} символов.\nСюда же можно отправить фото, видео, голосовые сообщения или документы — до {files} файлов.\nНе пишите своё имя, если хотите остаться анонимным.\n\n{note}',  # changed
        '<b>5-қадам (барлығы 5).</b> Не болғанын өз сөзіңізбен сипаттаңыз: кім не істеді, қанша адамға қатысты, не айтылды. {min} таңбадан {max} таңбаға дейін.\nОсы жерге {files} файлға дейін фото, бейне, дауыстық хабарлама немесе құжат та жіберуге болады.\nЖасырын қалғыңыз келсе, өз атыңызды жазбаңыз.\n\n{note}',  # changed
        '<b>Step 5 of 5.</b> Describe what happened, in your own words: who did what, how many people were affected, what was said. From {min} to {max} characters.\nYou can also send photos, videos, voice messages or documents here, up to {files} files.\nDo not write your own name if you want to stay anonymous.\n\n{note}',  # changed
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.ask_evidence': (
        'Отправьте доказательства: фото, видео, голосовые сообщения или документы, до {max} файлов.\nЕсли доказательств нет, нажмите кнопку ниже.',
        'Дәлел ретінде {max} файлға дейін фото, бейне, дауыстық хабарлама немесе құжат жіберіңіз.\nДәлел болмаса, төмендегі батырманы басыңыз.',  # changed
        'Send photos, videos, voice messages or documents as evidence, up to {max} files.\nIf you have none, press the button below.',
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.review_hint': (
        '<b>Проверьте сообщение.</b> Исправьте, что нужно, и нажмите «Отправить». Фото, видео и голосовые сообщения, которые вы отправите сейчас, будут приложены к нему.',  # changed
        '<b>Хабарламаны тексеріңіз.</b> Қажетін түзетіп, «Жіберу» батырмасын басыңыз. Қазір фото, бейне не дауыстық хабарлама жіберсеңіз, олар оған қосылады.',  # changed
        '<b>Check your report.</b> Change what is wrong, then press Send. Photos, videos or voice messages you send now are attached to it.',
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.review_typed': (
        '⚠️ Чтобы изменить текст, используйте кнопки ✏️ ниже. Фото, видео и голосовые сообщения, которые вы отправите сейчас, будут приложены; когда всё верно, нажмите «Отправить».',  # changed
        '⚠️ Мәтінді өзгерту үшін төмендегі ✏️ батырмаларын пайдаланыңыз. Қазір фото, бейне не дауыстық хабарлама жіберсеңіз, олар да қосылады; бәрі дұрыс болса, «Жіберу» батырмасын басыңыз.',  # changed
        '⚠️ To change the text, use the ✏️ buttons below. Photos, videos or voice messages you send now are attached; when all is right, press Send.',
    ),
    # from /work/main/locales/entries_journey.py
    'wizard.ask_contact': (
        'Можно ли модераторам связаться с вами после отправки?\n🕶 <b>Анонимно.</b> Сообщение ни с кем не связано: ни модераторы, ни мы, ни тот, кто заберёт сервер вместе с ключом, не смогут узнать, что его отправили вы. Уведомлений и вопросов не будет. Статус можно узнать кнопкой на квитанции или кодом из неё.\n✉️ <b>Модераторы могут написать мне.</b> Вы получите уведомления и вопросы через бота. Для этого бот хранит зашифрованную ссылку на ваш чат вместе с сообщением; модераторы всё равно не видят, кто вы.',  # changed
        'Жібергеннен кейін модераторлар сізбен байланыса ала ма?\n🕶 <b>Жасырын.</b> Хабарлама ешкімге байланыстырылмайды: оны сіз жібергеніңізді модераторлар да, біз де, серверді кілтімен қоса алып кеткен адам да біле алмайды. Хабарландырулар мен сұрақтар келмейді. Мәртебесін түбіртектегі батырма немесе ондағы код арқылы білуге болады.\n✉️ <b>Модераторлар маған жаза алады.</b> Хабарландырулар мен сұрақтарды бот арқылы аласыз. Ол үшін бот хабарламамен бірге сіздің чатыңызға шифрланған сілтемені сақтайды; модераторлар бәрібір сіздің кім екеніңізді көрмейді.',  # changed
        'May the moderators contact you after you send it?\n🕶 <b>Anonymous.</b> The report is linked to nobody: neither the moderators, nor we, nor whoever takes the server together with its key can learn that you sent it. You get no notifications and no questions. You can see its status with the button on your receipt or the code in it.\n✉️ <b>Moderators may write to me.</b> You get notifications and questions through the bot. For that the bot keeps an encrypted link to your chat with the report; moderators still do not see who you are.',  # changed
    ),
    # from /work/main/locales/entries_status.py
    'wizard.sent': (
        '✅ <b>Сообщение отправлено.</b> Ваш номер: <b>{reference}</b>.\n<b>Что дальше:</b> модератор прочтёт сообщение и проверит доказательства; подтверждённое нарушение он передаст в избирательную комиссию, прокуратуру или суд — в пределах 10 дней, которые закон даёт на обжалование.\nОбычно проверка занимает несколько часов, в день голосования — минуты. Когда статус изменится, вы получите уведомление здесь; /myreports покажет статус в любой момент.\nКод квитанции: <code>{code}</code> — с ним статус можно узнать командой /status, даже без этого чата.',  # changed
        '✅ <b>Хабарлама жіберілді.</b> Нөмірі: <b>{reference}</b>.\n<b>Әрі қарай не болады:</b> модератор хабарламаны оқып, дәлелдерді тексереді; расталған бұзушылықты заң шағымдануға беретін 10 күн ішінде сайлау комиссиясына, прокуратураға немесе сотқа жолдайды.\nТексеру әдетте бірнеше сағатқа, дауыс беру күні бірнеше минутқа созылады. Мәртебесі өзгергенде осында хабар аласыз; /myreports оны кез келген уақытта көрсетеді.\nТүбіртек коды: <code>{code}</code> — осы чат болмаса да, мәртебесін /status командасы мен осы код арқылы білуге болады.',  # changed
        '✅ <b>Report sent.</b> Your reference: <b>{reference}</b>.\n<b>What happens next:</b> a moderator reads the report and checks its evidence; a confirmed violation is taken to the election commission, the prosecutor or a court, within the 10 days the law allows for an appeal.\nThe check usually takes hours, minutes on voting day. You will get a message here when its status changes; /myreports shows it at any time.\nReceipt code: <code>{code}</code> — with it, /status shows the status even without this chat.',  # changed
    ),
    # from /work/main/locales/entries_status.py
    'wizard.sent_anonymous': (
        '✅ <b>Сообщение отправлено анонимно.</b> Номер: <b>{reference}</b>.\n<b>Что дальше:</b> модератор прочтёт сообщение и проверит доказательства; подтверждённое нарушение он передаст в избирательную комиссию, прокуратуру или суд — в пределах 10 дней, которые закон даёт на обжалование.\nСообщение ни с кем не связано: бот не знает, что его отправили вы, и писать вам не будет.\nСтатус покажет кнопка ниже. Код квитанции: <code>{code}</code>. Прежде чем удалить этот чат, запишите код: потом статус можно узнать командой /status и этим кодом. Больше ничто не ведёт к вашему сообщению, а восстановить код мы не сможем.\nЕсли ваш телефон могут проверить, удалите этот чат: сообщение сохранено у нас.',  # changed
        '✅ <b>Хабарлама жасырын жіберілді.</b> Нөмірі: <b>{reference}</b>.\n<b>Әрі қарай не болады:</b> модератор хабарламаны оқып, дәлелдерді тексереді; расталған бұзушылықты заң шағымдануға беретін 10 күн ішінде сайлау комиссиясына, прокуратураға немесе сотқа жолдайды.\nХабарлама ешкімге байланыстырылмаған: оны сіз жібергеніңізді бот білмейді және сізге жазбайды.\nМәртебесін төмендегі батырма көрсетеді. Түбіртек коды: <code>{code}</code>. Бұл чатты өшірмес бұрын кодты жазып алыңыз: кейін мәртебесін /status командасы мен осы код арқылы білуге болады. Хабарламаңызға одан басқа жол жоқ, ал кодты біз қалпына келтіре алмаймыз.\nТелефоныңыз тексерілуі мүмкін болса, бұл чатты өшіріңіз: хабарлама бізде сақтаулы.',  # changed
        '✅ <b>Report sent anonymously.</b> Reference: <b>{reference}</b>.\n<b>What happens next:</b> a moderator reads the report and checks its evidence; a confirmed violation is taken to the election commission, the prosecutor or a court, within the 10 days the law allows for an appeal.\nThe report is linked to nobody: the bot does not know you sent it and will not write to you.\nThe button below shows its status. Receipt code: <code>{code}</code>. Write it down before you delete this chat: /status with this code shows the status later. Nothing else leads to your report, and we cannot recover the code.\nIf your phone may be checked, delete this chat: the report is safe with us.',  # changed
    ),
    # from /work/main/locales/entries_find.py
    'mod.find.key.dates': (
        '<b>since=</b> и <b>until=</b> — получено с этого дня и по этот день включительно, по времени {zone}. Дату можно написать как 2026-11-24, 24.11.2026, 24 ноября, 1 дек. 2026 или вчера; без года — последний такой день, который уже наступил.',
        '<b>since=</b> және <b>until=</b> — осы күннен бастап және осы күнге дейін (осы күнді қоса алғанда) қабылданғандар, {zone} уақытымен. Күнді 2026-11-24, 24.11.2026, 24 қараша, 1 жел. 2026 не кеше деп жазуға болады; жылы жазылмаса — осындай күндердің ең соңғы өткені алынады.',  # changed
        '<b>since=</b> and <b>until=</b> — received from and up to this day, inclusive, in {zone} time. Write the day as 2026-11-24, 11/24/2026 (month first), 24.11.2026 (day first), Nov 24, 1 December 2026 or yesterday; without a year, it is the latest such day that has come.',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.safety': (
        '🆘 <b>Если вам угрожает опасность прямо сейчас, звоните 102 (полиция) или 112 (единая служба спасения).</b>\n• Если можете, уйдите в безопасное место; не спорьте и не вступайте в конфликт.\n• Этот чат можно удалить: сообщение останется у модераторов, а ваше имя в нём не хранится.\n• Бот не будет писать вам сам, если вы этого не разрешите.',  # changed
        '🆘 <b>Дәл қазір сізге қауіп төніп тұрса, 102 (полиция) немесе 112 (бірыңғай құтқару қызметі) нөміріне қоңырау шалыңыз.</b>\n• Мүмкін болса, қауіпсіз жерге кетіңіз; дауласпаңыз, қақтығысқа бармаңыз.\n• Бұл чатты өшіруге болады: хабарлама модераторларда қалады, ал сіздің атыңыз онда сақталмайды.\n• Сіз рұқсат бермесеңіз, бот сізге өзі жазбайды.',  # changed
        '🆘 <b>If you are in danger right now, call 102 (police) or 112 (emergency service).</b>\n• If you can, move somewhere safe; do not argue or get into a conflict.\n• You can delete this chat: the report stays with the moderators, and your name is not kept in it.\n• The bot will not write to you unless you allow it.',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.ask': (
        'Что происходит? Одно нажатие — и сообщение сразу уйдёт модераторам как срочное и анонимное.',  # changed
        'Не болып жатыр? Бір рет басыңыз — хабарлама модераторларға бірден шұғыл әрі жасырын түрде жіберіледі.',
        'What is happening? One tap sends it to the moderators at once, as urgent and anonymous.',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.choice.threats': (
        '⚠️ Угрозы, насилие, запугивание',
        '⚠️ Қоқан-лоқы, зорлық-зомбылық, қорқыту',  # changed
        '⚠️ Threats, violence, intimidation',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.description.threats': (
        'СРОЧНО, происходит сейчас: угрозы, насилие или запугивание. Подробности автор может прислать следом.',
        'ШҰҒЫЛ, қазір болып жатыр: қоқан-лоқы, зорлық-зомбылық немесе қорқыту. Толығырақ мәліметті автор кейін жіберуі мүмкін.',  # changed
        'URGENT, happening now: threats, violence or intimidation. The reporter may send details next.',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.follow_up': (
        '✍️ Если можете, отправьте сейчас текст, фото, видео, голосовое сообщение или геолокацию: каждое будет добавлено к срочному сообщению, и модераторы сразу это увидят. Связь этого чата с сообщением бот держит только в памяти и только {minutes} минут; на диск она не записывается.',  # changed
        '✍️ Мүмкін болса, қазір мәтін, фото, бейне, дауыстық хабарлама немесе орналасқан жеріңізді жіберіңіз: әрқайсысы шұғыл хабарламаға қосылады, модераторлар оны бірден көреді. Бұл чаттың хабарламамен байланысын бот тек жадында және тек {minutes} минут бойы сақтайды; ол дискіге жазылмайды.',  # changed
        '✍️ If you can, send text, a photo, a video, a voice message or your location now: each is added to the urgent report, and the moderators see it at once. The bot keeps the link between this chat and the report in memory only, for {minutes} minutes; it is never written to disk.',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.closed': (
        'Хорошо. Связь этого чата с вашим срочным сообщением удалена. Берегите себя.',
        'Жарайды. Бұл чаттың шұғыл хабарламаңызбен байланысы жойылды. Аман болыңыз.',  # changed
        'All right. The link between this chat and your urgent report is gone. Take care.',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.added.location': (
        'Геолокация',  # changed
        'Орналасқан жер',  # changed
        'Location',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.added.photo': (
        'Фото',
        'Фото',  # changed
        'Photo',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.added.voice': (
        'Голосовое сообщение',
        'Дауыстық хабарлама',  # changed
        'Voice message',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.added.video_note': (
        'Видеосообщение',
        'Бейнехабарлама',  # changed
        'Video message',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'urgent.added.document': (
        'Файл',
        'Файл',  # changed
        'File',
    ),
    # from /work/wt-urgent/locales/entries_urgent.py
    'category.threats': (
        'Угрозы, насилие или запугивание',
        'Қоқан-лоқы, зорлық-зомбылық немесе қорқыту',  # changed
        'Threats, violence or intimidation',
    ),
}
