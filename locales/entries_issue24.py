"""Catalog entries of issue #24 (nothing a reporter types is lost or misread): (ru, kk, en)."""
ENTRIES = {
    # ---- edits, where exactly, dates, the description ----
    "wizard.edit_elsewhere": (
        "✏️ Исправленное сообщение не меняет ответ на пройденный шаг. Исправить его можно перед отправкой: кнопки ✏️ на последнем шаге.",
        "✏️ Түзетілген хабар өтіп кеткен қадамның жауабын өзгертпейді. Оны жіберер алдында соңғы қадамдағы ✏️ батырмаларымен түзетуге болады.",
        "✏️ Editing a message does not change a step already answered. You can change it before sending, with the ✏️ buttons of the last step.",
    ),
    "wizard.place_too_long": (
        "⚠️ В описании места {length} символов, а можно не больше {max}. Сократите его и отправьте снова (ваш текст остался в чате выше); подробности можно написать в описании.",
        "⚠️ Орын сипаттамасында {length} таңба бар, ал {max} таңбадан аспауы керек. Қысқартып, қайта жіберіңіз (мәтініңіз чатта жоғарыда тұр); толығырақ сипаттамада жазуға болады.",
        "⚠️ The place is {length} characters long; it can be at most {max}. Shorten it and send it again (your text is still in the chat above); details go in the description.",
    ),
    "wizard.place_clear": ("🗑 Убрать место", "🗑 Орынды өшіру", "🗑 Remove the place"),
    "wizard.place_cleared": (
        "Место убрано. Номер участка и геолокация, если вы их указали, остались.",
        "Орын өшірілді. Учаске нөмірі мен орналасқан жер (көрсетсеңіз) сақталды.",
        "The place is removed. The precinct number and the location, if you gave them, stay.",
    ),
    "wizard.date_no_year": (
        "⚠️ {day} ещё не наступило. Если это было в прошлом году, {last}, нажмите кнопку ниже; иначе напишите дату с годом.",
        "⚠️ {day} әлі келген жоқ. Егер бұл былтыр, {last} болса, төмендегі батырманы басыңыз; әйтпесе күнді жылымен жазыңыз.",
        "⚠️ {day} has not come yet. If it was last year, {last}, press the button below; otherwise type the date with its year.",
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
    "urgent.too_long": (
        "⚠️ В тексте {length} символов, а в одно добавление входит не больше {max}. Ничего не добавлено: отправьте его частями.",
        "⚠️ Мәтінде {length} таңба бар, ал бір қосымшаға {max} таңбадан артық сыймайды. Ештеңе қосылмады: оны бөліп жіберіңіз.",
        "⚠️ The text is {length} characters long; one addition takes at most {max}. Nothing was added: send it in parts.",
    ),
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
        "✅ <b>{reference} шұғыл хабарламасы модераторларға жіберілді.</b>\nТүбіртек коды: <code>{code}</code>. Оны жазып алыңыз: /status командасы осы код арқылы хабарламаның жағдайын көрсетеді. Төмендегі батырма да соны көрсетеді.",
        "✅ <b>Urgent report {reference} has been passed to the moderators.</b>\nReceipt code: <code>{code}</code>. Write it down: with it, /status shows what is happening with the report. The button below shows the same.",
    ),
    "urgent.follow_up": (
        "🆘 В опасности — звоните 102 или 112.\n✍️ В ближайшие {minutes} минут всё, что вы сюда отправите (текст, фото, видео, голос, геолокацию), добавится к этому сообщению.",
        "🆘 Қауіп төнсе, 102 немесе 112 нөміріне қоңырау шалыңыз.\n✍️ Алдағы {minutes} минутта осында жіберген нәрсеңіздің бәрі (мәтін, фото, бейне, дауыстық хабар, орналасқан жер) осы хабарламаға қосылады.",
        "🆘 In danger? Call 102 or 112.\n✍️ For the next {minutes} minutes, whatever you send here (text, a photo, a video, a voice message, your location) is added to this report.",
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
        "Шұғыл хабарламаға қосу уақыты аяқталды. Бұзушылық туралы жаңа хабарлама жіберіңіз; алдыңғысының жағдайын түбіртек коды арқылы біліңіз (/status).",
        "The time to add to the urgent report has ended. Send a new report; the earlier one's status is under its receipt code (/status).",
    ),
    "urgent.link_closed": (
        "ℹ️ То, что вы отправите дальше, больше не добавляется к срочному сообщению. Статус его — по коду квитанции (/status).",
        "ℹ️ Бұдан кейін жіберген нәрсеңіз шұғыл хабарламаға енді қосылмайды. Оның жағдайын түбіртек коды арқылы біліңіз (/status).",
        "ℹ️ What you send from now on is no longer added to the urgent report. Its status is under its receipt code (/status).",
    ),
    "urgent.added.region": ("Область", "Облыс", "Region"),
    "urgent.added.precinct": ("Номер участка", "Учаске нөмірі", "Precinct number"),
    "urgent.added.place": ("Место", "Орын", "Place"),
    "common.file_outside": (
        "Этот файл ни к чему не приложен. Если вы добавляли его к срочному сообщению, время для этого закончилось (30 минут, или бот перезапускался). Нажмите «📝 Сообщить о нарушении» и приложите его к новому сообщению; статус прежнего — по коду квитанции (/status).",
        "Бұл файл ешнәрсеге тіркелмеді. Егер оны шұғыл хабарламаға қоспақ болсаңыз, оның уақыты өтіп кетті (30 минут немесе бот қайта іске қосылды). «📝 Бұзушылық туралы хабарлау» батырмасын басып, оны жаңа хабарламаға тіркеңіз; алдыңғысының жағдайын түбіртек коды арқылы біліңіз (/status).",
        "This file is not attached to anything. If you meant it for an urgent report, the time to add to it has ended (30 minutes, or the bot restarted). Press “📝 Report a violation” and attach it to a new report; the earlier one's status is under its receipt code (/status).",
    ),
}
