"""wizard.description_long: files are no longer a later step (they come with the description or at
the review); the Kazakh sentence as the earlier review meant it (set with setkeys)."""
ENTRIES = {
    "wizard.description_long": (
        "⚠️ Получилось {length} символов, а можно не больше {max}. Текст сохранён: пришлите покороче или нажмите "
        "кнопку, чтобы оставить первые {max} символов. Фото и файлы можно отправить прямо сюда.",
        "⚠️ Мәтінде {length} таңба бар, ал {max} таңбадан аспауы керек. Мәтін сақталды: қысқасын жіберіңіз немесе "
        "алғашқы {max} таңбасын қалдыру үшін батырманы басыңыз. Фото мен файлдарды осы жерге жіберуге болады.",
        "⚠️ That is {length} characters; the limit is {max}. Your text is kept: send a shorter one, or press the "
        "button to keep its first {max} characters. Photos and files can be sent right here.",
    ),
}
