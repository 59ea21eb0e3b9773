"""The Word template of the login request (``flask docs build-templates`` writes it)."""
from docservice.documents.docx_builder import new_document, para, registration, signatures

TEXT = {
    "kk": {"outgoing": "Шығ. № {{ doc.number or '________' }} {{ doc.date }}", "title": "ҚЫЗМЕТТІК ХАТ",
           "body": "Оқытушыға электрондық журналда жұмыс істеу үшін логин мен құпиясөз беруіңізді сұраймын:",
           "fields": ["Т. А. Ә. (толық): ", "Лауазымы: ", "Корпоративтік пошта (E-mail): ", "Бөлімше: "],
           "head": "Кафедра меңгерушісі"},
    "ru": {"outgoing": "Исх. № {{ doc.number or '________' }} от {{ doc.date }}", "title": "СЛУЖЕБНАЯ ЗАПИСКА",
           "body": "Прошу Вас выдать логин и пароль для работы в электронном журнале преподавателю:",
           "fields": ["Ф.И.О. (полностью): ", "Должность: ", "Корпоративная почта (E-mail): ", "Подразделение: "],
           "head": "Заведующий кафедрой"},
}


def make_template(lang: str):
    t = TEXT[lang]
    doc = new_document(lang, size=14)
    para(doc, t["outgoing"])
    para(doc, "{{ addressee.position }}", indent_mm=95)
    para(doc, "{{ addressee.full_name }}", indent_mm=95, space_after=12)
    para(doc, t["title"], bold=True, align="center", space_after=8)
    para(doc, t["body"], align="justify", first_line_mm=12.5)
    for label, value in zip(t["fields"], ("teacher.full_name", "teacher.position", "teacher.email",
                                             "department.name")):
        p = para(doc, label)
        p.add_run("{{ " + value + " }}").bold = True
    para(doc)
    signatures(doc, [(t["head"], "{{ head.short_name }}")], size=14)
    registration(doc, lang)
    return doc
