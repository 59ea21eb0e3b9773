"""The Word template of the semester report (``flask docs build-templates`` writes it).

python-docx cannot draw the PDF's SVG bar chart, so the DOCX shows the same numbers as a
table «department | count | bar of ■ (with grade change) and □ (without)»."""
from __future__ import annotations

from docx.shared import Pt

from docservice.documents.docx_builder import ALIGN, grid, new_document, para, registration, signatures

SEC = "{% set sec.n = sec.n + 1 %}{{ sec.n }}. "
REASON = "{{ x.journal }}, {{ x.kind }}: {{ x.text }}{% if x.late %} ({{ x.late }}){% endif %}"

TEXT = {
    "kk": {
        "outgoing": "Шығ. № {{ doc.number or '________' }} {{ doc.date }}",
        "title": "СЕМЕСТРЛІК ЕСЕП",
        "subtitle": "{{ period.words }} бойынша электрондық журналды қайта ашу туралы",
        "scope": "{{ school or 'университет бойынша жалпы' }}",
        "empty": "Есепті кезеңде электрондық журналды қайта ашу болған жоқ. "
                 "Мерзімі бұзылып жабылған журналдар: {{ totals.late_journals }}.",
        "body": "Офис регистратордың деректері бойынша {{ period.words }} ішінде электрондық журнал "
                "{{ totals.total }} рет қайта ашылды: бағаны өзгертумен — {{ totals.with_change }}, "
                "бағаны өзгертусіз — {{ totals.without_change }}; белгіленген мерзімде — {{ totals.on_time }}, "
                "мерзімі бұзылып — {{ totals.late }}. Қайта ашу {{ totals.departments }} кафедрада, "
                "{{ totals.teachers }} оқытушыда орын алды. Мерзімі бұзылып жабылған журналдар: "
                "{{ totals.late_journals }}.",
        "departments": "Кафедралар бойынша қайта ашу",
        "department_heads": ["№", "Кафедра", "Барлығы", "Бағаны өзгертумен", "Бағаны өзгертусіз",
                             "Мерзімінде", "Мерзімі бұзылып", "Тәртіптік шара"],
        "total": "Жиыны",
        "none": "Есепті кезеңде электрондық журналды қайта ашу болған жоқ.",
        "chart": "Кафедралар бойынша қайта ашу диаграммасы",
        "chart_heads": ["Кафедра", "Барлығы", "Диаграмма"],
        "legend": "■ — бағаны өзгертумен, □ — бағаны өзгертусіз",
        "teachers": "Оқытушылар бойынша қайта ашу",
        "teacher_heads": ["№", "Оқытушы", "Барлығы", "Өзгертумен", "Өзгертусіз", "Мерзімінде",
                          "Мерзімі бұзылып", "Себептері (журнал)", "Тәртіптік шара"],
        "memo": "Бағаны өзгертумен байланысты қателері {{ memo_threshold }} реттен артық оқытушылар "
                "(проректорға қызметтік хат)",
        "memo_heads": ["№", "Оқытушы", "Кафедра", "Бағаны өзгертумен қайта ашу саны"],
        "no": "Жоқ.",
        "late": "Мерзімі бұзылып жабылған журналдар",
        "late_heads": ["№", "Журнал", "Пән", "Топ", "Оқытушы", "Жабу мерзімі", "Жабылды"],
        "conclusions": "Қорытынды және ұсыныстар",
        "signer": "{{ signer.position or 'Офис регистратор басшысы' }}",
    },
    "ru": {
        "outgoing": "Исх. № {{ doc.number or '________' }} от {{ doc.date }}",
        "title": "ОТЧЁТ",
        "subtitle": "о повторных открытиях электронного журнала за {{ period.words }}",
        "scope": "{{ school or 'по университету в целом' }}",
        "empty": "В отчётном периоде повторных открытий электронного журнала не было. "
                 "Журналов, закрытых с нарушением срока: {{ totals.late_journals }}.",
        "body": "По данным Офиса регистратора, за {{ period.words }} число повторных открытий "
                "электронного журнала — {{ totals.total }}: с изменением оценки — {{ totals.with_change }}, "
                "без изменения оценки — {{ totals.without_change }}; в установленные сроки — "
                "{{ totals.on_time }}, с нарушением срока — {{ totals.late }}. Кафедр с повторными "
                "открытиями — {{ totals.departments }}, преподавателей — {{ totals.teachers }}. "
                "Журналов, закрытых с нарушением срока: {{ totals.late_journals }}.",
        "departments": "Повторные открытия по кафедрам",
        "department_heads": ["№", "Кафедра", "Всего", "С изм. оценки", "Без изм. оценки", "В срок",
                             "С нарушением срока", "Дисциплинарная мера"],
        "total": "Итого",
        "none": "Повторных открытий электронного журнала в отчётном периоде не было.",
        "chart": "Диаграмма повторных открытий по кафедрам",
        "chart_heads": ["Кафедра", "Всего", "Диаграмма"],
        "legend": "■ — с изменением оценки, □ — без изменения оценки",
        "teachers": "Повторные открытия по преподавателям",
        "teacher_heads": ["№", "Преподаватель", "Всего", "С изм.", "Без изм.", "В срок", "С нар. срока",
                          "Причины (журнал)", "Дисциплинарная мера"],
        "memo": "Преподаватели, у которых число ошибок с изменением оценки превышает {{ memo_threshold }} "
                "(служебная записка проректору)",
        "memo_heads": ["№", "Преподаватель", "Кафедра", "Открытий с изменением оценки"],
        "no": "Нет.",
        "late": "Журналы, закрытые с нарушением срока",
        "late_heads": ["№", "Журнал", "Дисциплина", "Группа", "Преподаватель", "Срок закрытия", "Закрыт"],
        "conclusions": "Выводы и предложения",
        "signer": "{{ signer.position or 'Руководитель Офиса регистратора' }}",
    },
}
SIZE = 9


def _align(table, columns: dict[int, str], row: int = 2) -> None:
    """Alignment of the template row's cells (``grid`` centres all but the second)."""
    for j, align in columns.items():
        for p in table.rows[row].cells[j].paragraphs:
            p.alignment = ALIGN[align]


def _heading(doc, text: str):
    return para(doc, SEC + text, bold=True, space_after=3)


def _cell_lines(cell, lines: list[str], size: int = SIZE) -> None:
    """Replace a cell's text with paragraphs (docxtpl ``{%p %}`` tags need their own)."""
    first = cell.paragraphs[0]
    for run in list(first.runs):
        run._r.getparent().remove(run._r)
    for i, text in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.alignment = ALIGN["left"]
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.font.size = Pt(size - 1)


def _total_row(table, texts: list[str]) -> None:
    cells = table.add_row().cells
    for cell, text in zip(cells, texts):
        p = cell.paragraphs[0]
        p.alignment = ALIGN["center"]
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(SIZE)


def make_template(lang: str):
    t = TEXT[lang]
    doc = new_document(lang, size=13)
    para(doc, "{%p set sec = namespace(n=0) %}")
    para(doc, t["outgoing"], space_after=10)
    para(doc, "{{ addressee.position }}", indent_mm=95)
    para(doc, "{{ addressee.full_name }}", indent_mm=95, space_after=12)
    para(doc, t["title"], bold=True, align="center", space_after=2)
    para(doc, t["subtitle"], align="center", space_after=0)
    para(doc, t["scope"], align="center", space_after=8)
    para(doc, "{%p if empty %}")
    para(doc, t["empty"], align="justify", first_line_mm=12.5)
    para(doc, "{%p else %}")
    para(doc, t["body"], align="justify", first_line_mm=12.5)
    para(doc, "{%p endif %}")

    _heading(doc, t["departments"])
    para(doc, "{%p if departments %}")
    table = grid(doc, t["department_heads"],
                 ["{{ d.n }}", "{{ d.name }} ({{ d.code }})", "{{ d.total }}", "{{ d.with_change }}",
                  "{{ d.without_change }}", "{{ d.on_time }}", "{{ d.late }}", "{{ d.level }}"],
                 [8, 52, 14, 17, 17, 15, 19, 28], loop="d in departments", size=SIZE)
    _total_row(table, ["", t["total"], "{{ totals.total }}", "{{ totals.with_change }}",
                       "{{ totals.without_change }}", "{{ totals.on_time }}", "{{ totals.late }}", ""])

    _heading(doc, t["chart"])
    table = grid(doc, t["chart_heads"], ["{{ b.code }}", "{{ b.total }}", "{{ b.blocks }}"], [25, 18, 127],
                 loop="b in chart.bars", size=SIZE)
    _align(table, {0: "center", 2: "left"})
    para(doc, t["legend"], size=SIZE)

    _heading(doc, t["teachers"])
    table = grid(doc, t["teacher_heads"],
                 ["{{ t.n }}", "{{ t.full_name }}, {{ t.position }}{% if t.department %}, {{ t.department }}{% endif %}",
                  "{{ t.total }}", "{{ t.with_change }}", "{{ t.without_change }}", "{{ t.on_time }}",
                  "{{ t.late }}", "", "{{ t.level }}"],
                 [8, 34, 11, 13, 13, 11, 13, 43, 24], loop="t in teachers", size=SIZE)
    _cell_lines(table.rows[2].cells[7], ["{%p for x in t.reasons %}", REASON, "{%p endfor %}"])
    para(doc, "{%p else %}")
    para(doc, t["none"], italic=True)
    para(doc, "{%p endif %}")

    _heading(doc, t["memo"])
    para(doc, "{%p if memo %}")
    grid(doc, t["memo_heads"], ["{{ loop.index }}", "{{ t.full_name }}", "{{ t.department }}",
                                "{{ t.with_change }}"], [8, 92, 30, 40], loop="t in memo", size=SIZE)
    para(doc, "{%p else %}")
    para(doc, t["no"], italic=True)
    para(doc, "{%p endif %}")

    _heading(doc, t["late"])
    para(doc, "{%p if late_journals %}")
    table = grid(doc, t["late_heads"],
                 ["{{ j.n }}", "{{ j.code }}", "{{ j.discipline }} ({{ j.department }})", "{{ j.group }}",
                  "{{ j.teachers }}", "{{ j.deadline }}", "{{ j.closed }}"],
                 [8, 17, 55, 20, 30, 18, 22], loop="j in late_journals", size=SIZE)
    _align(table, {1: "center", 2: "left", 4: "left"})
    para(doc, "{%p else %}")
    para(doc, t["no"], italic=True)
    para(doc, "{%p endif %}")

    para(doc, "{%p if conclusions %}")
    _heading(doc, t["conclusions"])
    para(doc, "{%p for c in conclusions %}")
    para(doc, "{{ c }}", align="justify", first_line_mm=12.5)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")

    signatures(doc, [(t["signer"], "{{ signer.full_name }}")], size=13)
    registration(doc, lang)
    return doc
