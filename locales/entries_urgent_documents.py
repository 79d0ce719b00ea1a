"""The complaint's formal name of the urgent path's new category (domain documents, which a lawyer
reviews apart), applied with /work/tools/setkeys.py locales/entries_urgent_documents.py documents."""

ENTRIES = {
    "complaint.violation.threats": (
        "угрозы, применение насилия или запугивание избирателей либо наблюдателей",
        "сайлаушыларды немесе байқаушыларды қорқыту, оларға күш қолдану немесе үркіту",
        "threats, violence or intimidation against voters or observers",
    ),
}
