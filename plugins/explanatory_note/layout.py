"""The Word template of the explanatory note (``flask docs build-templates --type explanatory_note``)."""
from docx.shared import Mm, Pt

from docservice.documents.docx_builder import _cell, new_document, para, registration, signatures

TEXT = {
    "kk": {
        "outgoing": "Шығ. № {{ doc.number or '________' }} {{ doc.date }}",
        "addressee": ["{{ addressee.school }}", "мектеп/факультет деканы", "{{ addressee.short_name }}"],
        "sender": ["{{ teacher.department }}, {{ teacher.position }}", "{{ teacher.full_name }}"],
        "title": "ТҮСІНІКТЕМЕ",
        "subtitle": "электрондық журналды толтыру қатесі туралы",
        "body": ["{{ wrong_entry.long_date }} мен электрондық журналдағы деректерді дұрыс толтырмадым. "
                 "Туындаған қатенің себебі төменде (8-тармақ) көрсетілген. Мен өз қателігімді мойындаймын. "
                 "Бұдан әрі электрондық журналды толтыру жұмысына неғұрлым мұқият қарауға міндеттенемін."],
        "fields": [("1. Электрондық журналға рұқсат ашуыңызды сұраймын:", "{{ mode }}"),
                   ("2. Пән/модуль", "{{ discipline }}"),
                   ("3. Сабақ түрлері", "{{ lesson_types }}"),
                   ("4. Курс", "{{ course }}"),
                   ("5. Топ", "{{ group }}"),
                   ("6. Мамандығы, бағыты", "{{ program }}"),
                   ("7. Эл. журналдың дұрыс толтырылмаған күні", "{{ wrong_entry.long_date }}"),
                   ("8. Себебі", "{{ reason }}")],
        "students": ("9. Білім алушылар", "{{ students }}"),
        "columns": ("{{ 10 if students else 9 }}. Журнал бағандары", "{{ columns }}"),
        "teacher": "Оқытушы",
        "visa": "Келісілді:\nкафедра меңгерушісі\n{{ visa.department }}",
    },
    "ru": {
        "outgoing": "Исх. № {{ doc.number or '________' }} от {{ doc.date }}",
        "addressee": ["Декану Школы/факультета", "{{ addressee.school }}", "{{ addressee.short_name }}"],
        "sender": ["От", "{{ teacher.position }}, {{ teacher.department }}", "{{ teacher.full_name }}"],
        "title": "ОБЪЯСНИТЕЛЬНАЯ",
        "subtitle": "об ошибке заполнения электронного журнала",
        "body": ["{{ wrong_entry.long_date }} мною были неверно заполнены данные в электронный журнал. "
                 "Возникшая ошибка вызвана следующей причиной: {{ reason }}",
                 "Прошу открыть доступ к электронному журналу ({{ mode }}):"],
        "fields": [("1. Дисциплина/модуль", "{{ discipline }}"),
                   ("2. Виды занятий", "{{ lesson_types }}"),
                   ("3. Курс", "{{ course }}"),
                   ("4. Группа", "{{ group }}"),
                   ("5. Образовательная программа", "{{ program }}"),
                   ("6. Дата неправильного заполнения эл. журнала", "{{ wrong_entry.long_date }}")],
        "students": ("7. Обучающиеся", "{{ students }}"),
        "columns": ("{{ 8 if students else 7 }}. Графы журнала", "{{ columns }}"),
        "teacher": "Преподаватель",
        "visa": "Согласовано:\nзаведующий кафедрой\n{{ visa.department }}",
    },
}
WIDTHS = (72, 98)  # label · value, 170 mm


def _fields(doc, rows):
    table = doc.add_table(rows=len(rows), cols=2)
    table.autofit = False
    for i, (label, value) in enumerate(rows):
        cells = table.rows[i].cells
        _cell(cells[0], label, size=12)
        _cell(cells[1], value, bold=True, size=12)
    for j, w in enumerate(WIDTHS):
        table.columns[j].width = Mm(w)
        for row in table.rows:
            row.cells[j].width = Mm(w)
    return table


def make_template(lang: str):
    t = TEXT[lang]
    doc = new_document(lang, size=12)
    para(doc, t["outgoing"], space_after=10)
    for line in t["addressee"]:
        para(doc, line, indent_mm=95, space_after=0)
    para(doc, space_after=0)
    for line in t["sender"]:
        para(doc, line, indent_mm=95, space_after=0)
    para(doc, t["title"], bold=True, align="center", space_after=0).paragraph_format.space_before = Pt(12)
    para(doc, t["subtitle"], align="center", space_after=8)
    for text in t["body"]:
        para(doc, text, align="justify", first_line_mm=12.5)
    _fields(doc, t["fields"])
    # the scope, when the note names students or columns: one optional row each
    para(doc, "{%p if students %}")
    _fields(doc, [t["students"]])
    para(doc, "{%p endif %}")
    para(doc, "{%p if columns %}")
    _fields(doc, [t["columns"]])
    para(doc, "{%p endif %}")
    para(doc, "{{ doc.long_date }}").paragraph_format.space_before = Pt(12)
    signatures(doc, [(t["teacher"], "{{ teacher.short_name }}"), (t["visa"], "{{ visa.short_name }}")], size=12)
    registration(doc, lang)
    return doc
