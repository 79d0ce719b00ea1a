"""Catalog entries of issue #16: status messages say what the status means; "what happens next"
after sending (applied with /work/tools/setkeys.py)."""
NEXT = {
    "ru": "<b>Что дальше:</b> модератор прочтёт сообщение и проверит доказательства; подтверждённое нарушение "
          "он передаст в избирательную комиссию, прокуратуру или суд — в пределах 10 дней, которые закон даёт "
          "на обжалование.",
    "kk": "<b>Әрі қарай:</b> модератор хабарламаны оқып, дәлелдерді тексереді; расталған бұзушылықты заң шағымдануға "
          "беретін 10 күн ішінде сайлау комиссиясына, прокуратураға немесе сотқа жолдайды.",
    "en": "<b>What happens next:</b> a moderator reads the report and checks its evidence; a confirmed violation "
          "is taken to the election commission, the prosecutor or a court, within the 10 days the law allows "
          "for an appeal.",
}
ENTRIES = {
    "feedback.status": (
        "📬 Ваше сообщение <b>{reference}</b>: статус «{status}».\n{meaning}",
        "📬 Сіздің <b>{reference}</b> хабарламаңыз: мәртебесі «{status}».\n{meaning}",
        "📬 Your report <b>{reference}</b>: status «{status}».\n{meaning}",
    ),
    "feedback.status_rejected": (
        "📬 Ваше сообщение <b>{reference}</b>: статус «{status}».\n{meaning}\nПричина:\n<blockquote>{note}</blockquote>",
        "📬 Сіздің <b>{reference}</b> хабарламаңыз: мәртебесі «{status}».\n{meaning}\nСебебі:\n<blockquote>{note}</blockquote>",
        "📬 Your report <b>{reference}</b>: status «{status}».\n{meaning}\nReason:\n<blockquote>{note}</blockquote>",
    ),
    "feedback.status_resolved": (
        "📬 Ваше сообщение <b>{reference}</b>: статус «{status}».\n{meaning}\nИтог:\n<blockquote>{note}</blockquote>",
        "📬 Сіздің <b>{reference}</b> хабарламаңыз: мәртебесі «{status}».\n{meaning}\nНәтижесі:\n<blockquote>{note}</blockquote>",
        "📬 Your report <b>{reference}</b>: status «{status}».\n{meaning}\nOutcome:\n<blockquote>{note}</blockquote>",
    ),
    "wizard.sent": (
        "✅ <b>Сообщение отправлено.</b> Ваш номер: <b>{reference}</b>.\n" + NEXT["ru"] + "\n"
        "Обычно на это уходит несколько часов, в день голосования — минуты. Когда статус изменится, вы получите "
        "сообщение здесь; /myreports покажет его в любой момент.\n"
        "Код квитанции: <code>{code}</code> — по нему (/status) статус можно узнать и без этого чата.",
        "✅ <b>Хабарлама жіберілді.</b> Нөміріңіз: <b>{reference}</b>.\n" + NEXT["kk"] + "\n"
        "Бұған әдетте бірнеше сағат, дауыс беру күні бірнеше минут кетеді. Мәртебесі өзгергенде осында хабар "
        "аласыз; /myreports оны кез келген уақытта көрсетеді.\n"
        "Түбіртек коды: <code>{code}</code> — ол арқылы (/status) мәртебесін осы чатсыз да білуге болады.",
        "✅ <b>Report sent.</b> Your reference: <b>{reference}</b>.\n" + NEXT["en"] + "\n"
        "This usually takes hours, minutes on voting day. You will get a message here when its status changes; "
        "/myreports shows it at any time.\n"
        "Receipt code: <code>{code}</code>: with it (/status) you can see the status without this chat too.",
    ),
    "wizard.sent_anonymous": (
        "✅ <b>Сообщение отправлено анонимно.</b> Номер: <b>{reference}</b>.\n" + NEXT["ru"] + "\n"
        "Оно ни с кем не связано: бот не знает, что его отправили вы, и писать вам не будет.\n"
        "Статус покажет кнопка ниже. Код квитанции: <code>{code}</code>. Запишите его, если удалите этот чат: "
        "потом статус можно узнать командой /status и этим кодом. Больше ничто не ведёт к вашему сообщению, и мы "
        "не сможем его восстановить.\n"
        "Если ваш телефон могут проверить, удалите этот чат: сообщение сохранено у нас.",
        "✅ <b>Хабарлама жасырын жіберілді.</b> Нөмірі: <b>{reference}</b>.\n" + NEXT["kk"] + "\n"
        "Ол ешкімге байланыстырылмаған: оны сіз жібергеніңізді бот білмейді және сізге жазбайды.\n"
        "Мәртебесін төмендегі батырма көрсетеді. Түбіртек коды: <code>{code}</code>. Бұл чатты өшірсеңіз, кодты "
        "жазып алыңыз: кейін мәртебесін /status командасы мен осы код арқылы білуге болады. Хабарламаңызға басқа "
        "ештеңе апармайды, біз оны қалпына келтіре алмаймыз.\n"
        "Телефоныңыз тексерілуі мүмкін болса, бұл чатты өшіріңіз: хабарлама бізде сақтаулы.",
        "✅ <b>Report sent anonymously.</b> Reference: <b>{reference}</b>.\n" + NEXT["en"] + "\n"
        "It is linked to nobody: the bot does not know you sent it and will not write to you.\n"
        "The button below shows its status. Receipt code: <code>{code}</code>. Write it down if you delete this "
        "chat: /status with this code shows the status later. Nothing else leads to your report, and we cannot "
        "recover it.\n"
        "If your phone may be checked, delete this chat: the report is safe with us.",
    ),
}
