"""The Word template of the KTP (``flask docs build-templates --type ktp`` writes it)."""
from docx.shared import Mm, Pt

from docservice.documents.docx_builder import (
    ALIGN, _cell, grid, new_document, para, registration, signatures,
)

TEXT = {
    "kk": {"title": "КҮНТІЗБЕЛІК-ТАҚЫРЫПТЫҚ ЖОСПАР",
           "heading": "«{{ specialty }}» мамандығының {{ course }} курс студенттеріне арналған "
                      "«{{ discipline }}» пәні бойынша {{ lesson_type }}",
           "year": "{{ year.first }} - {{ year.second }} оқу жылына",
           "headers": ["№ п/п", "Күні", "Уақыт өткізу", "Тақырып", "Оқу сағаттарының көлемі",
                       "Оқытушының Аты-Жөні", "Кабинет"],
           "total": "Барлығы",
           "approval": "Кафедра отырысында {{ protocol.year }} ж. «{{ protocol.day }}» {{ protocol.month }} "
                       "№ {{ protocol.no }} хаттама қаралды және мақұлданды.",
           "head": "Кафедра меңгерушісі"},
    "ru": {"title": "КАЛЕНДАРНО-ТЕМАТИЧЕСКИЙ ПЛАН",
           "heading": "{{ lesson_type_cap }} по дисциплине «{{ discipline }}» для студентов {{ course }} курса "
                      "специальности «{{ specialty }}»",
           "year": "на {{ year.first }}-{{ year.second }} учебный год",
           "headers": ["№ п/п", "Дата", "Время проведения", "Тема", "Объём учебных часов",
                       "Ф.И.О. преподавателя", "Аудитория"],
           "total": "Итого",
           "approval": "Рассмотрен и утверждён на заседании кафедры, протокол № {{ protocol.no }} "
                       "от {{ protocol.date }}",
           "head": "Заведующий кафедрой"},
}
CELLS = ["{{ r.n }}", "{{ r.date }}", "{{ r.time }}", "{{ r.topic }}", "{{ r.hours|num }}",
         "{{ r.teacher }}", "{{ r.room }}"]
WIDTHS = [9, 19, 21, 51, 23, 30, 17]  # 170 mm: the page width inside the margins


def make_template(lang: str):
    t = TEXT[lang]
    doc = new_document(lang, size=12)
    para(doc, "{{ department.name }}", align="center")
    para(doc, t["title"], bold=True, align="center", space_after=4)
    para(doc, t["heading"], align="center")
    para(doc, t["year"], align="center", space_after=8)
    table = grid(doc, t["headers"], CELLS, WIDTHS, loop="r in rows", size=10)
    for cell in table.rows[0].cells:  # the long header words fit their columns at 9 pt
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(9)
    row = table.rows[2]  # the repeated row: the topic aligned left, the rest centred
    for j, cell in enumerate(row.cells):
        cell.paragraphs[0].alignment = ALIGN["left" if j == 3 else "center"]
    for j, w in enumerate(WIDTHS):  # the table grid too, not only the cells (LibreOffice reads the grid)
        table.columns[j].width = Mm(w)
    total = table.add_row()
    merged = total.cells[0].merge(total.cells[3])
    merged.width = Mm(sum(WIDTHS[:4]))
    _cell(merged, t["total"], bold=True, size=10)
    _cell(total.cells[4], "{{ total_hours|num }}", bold=True, size=10, align="center")
    for j in (4, 5, 6):
        total.cells[j].width = Mm(WIDTHS[j])
    p = para(doc, t["approval"])
    p.paragraph_format.space_before = Pt(10)
    signatures(doc, [(t["head"], "{{ head.short_name }}")], size=12)
    registration(doc, lang)
    return doc
