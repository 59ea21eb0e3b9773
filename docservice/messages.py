"""User-facing texts of domain errors, in Kazakh, Russian and English.

Kept as data so that wording is reviewed in one place; codes are stable API.
"""
LANGUAGES = ("kk", "ru", "en")

# Names of things that messages mention through their ``what`` parameter.
NOUNS: dict[str, dict[str, str]] = {
    "journal": {"kk": "журнал", "ru": "журнал", "en": "journal"},
    "student": {"kk": "білім алушы", "ru": "обучающийся", "en": "student"},
    "user": {"kk": "пайдаланушы", "ru": "пользователь", "en": "user"},
    "staff": {"kk": "қызметкер", "ru": "сотрудник", "en": "staff member"},
    "school": {"kk": "мектеп", "ru": "школа", "en": "school"},
    "department": {"kk": "кафедра", "ru": "кафедра", "en": "department"},
    "program": {"kk": "білім беру бағдарламасы", "ru": "образовательная программа", "en": "programme"},
    "group": {"kk": "топ", "ru": "группа", "en": "group"},
    "curriculum item": {"kk": "оқу жоспарының пәні", "ru": "дисциплина учебного плана", "en": "curriculum item"},
    "item": {"kk": "оқу жоспарының пәні", "ru": "дисциплина учебного плана", "en": "curriculum item"},
    "part": {"kk": "блок / модульдік пән", "ru": "блок / модульная дисциплина", "en": "block / modular discipline"},
    "request": {"kk": "өтінім", "ru": "заявка", "en": "request"},
    "document": {"kk": "құжат", "ru": "документ", "en": "document"},
    "document_type": {"kk": "құжат түрі", "ru": "вид документа", "en": "document type"},
    "nomenclature_file": {"kk": "номенклатура ісі", "ru": "дело номенклатуры", "en": "nomenclature file"},
    "job": {"kk": "пакеттік тапсырма", "ru": "пакетное задание", "en": "batch job"},
    # journal states
    "open": {"kk": "ашық", "ru": "открыт", "en": "open"},
    "closed": {"kk": "жабық", "ru": "закрыт", "en": "closed"},
    "locked": {"kk": "мерзімі өткендіктен бұғатталған", "ru": "заблокирован по сроку", "en": "locked at its deadline"},
    "document type": {"kk": "құжат түрі", "ru": "тип документа", "en": "document type"},
    "period": {"kk": "академиялық кезең", "ru": "академический период", "en": "academic period"},
}

MESSAGES: dict[str, dict[str, str]] = {
    # --- mark values -------------------------------------------------------
    "mark_invalid": {
        "kk": "«{value}» бағасы жарамсыз: 0-ден 100-ге дейінгі бүтін сан немесе «н/б» енгізіңіз",
        "ru": "Недопустимая оценка «{value}»: введите целое число от 0 до 100 или «н/б»",
        "en": "Invalid mark “{value}”: enter a whole number from 0 to 100 or “н/б”",
    },
    "mark_note_invalid": {
        "kk": "«{note}» ескертпесі тек «н/б» бағасымен бірге «перезачет» / «қайта есепке алу» бола алады",
        "ru": "Примечание «{note}» допустимо только как «перезачет» / «қайта есепке алу» к отметке «н/б»",
        "en": "Note “{note}” is allowed only as “перезачет” / “қайта есепке алу” with “н/б”",
    },
    "column_unknown": {
        "kk": "Журналда «{column}» бағаны жоқ",
        "ru": "В журнале нет графы «{column}»",
        "en": "The journal has no column “{column}”",
    },
    "student_not_in_group": {
        "kk": "{student} білім алушысы журнал тобында жоқ",
        "ru": "Обучающийся {student} не состоит в группе журнала",
        "en": "Student {student} is not in the journal's group",
    },
    "exam_not_here": {
        "kk": "Интеграцияланған пәннің емтиханы соңғы блоктың журналына қойылады ({journal})",
        "ru": "Экзамен интегрированной дисциплины ставится в журнал последнего блока ({journal})",
        "en": "The integrated discipline's exam is entered in the last block's journal ({journal})",
    },
    # --- journal state -----------------------------------------------------
    "journal_closed": {
        "kk": "Журнал жабық ({state}, мерзімі {deadline}): өзгерту үшін қайта ашуға өтінім беріңіз",
        "ru": "Журнал закрыт ({state}, срок {deadline}): для изменений подайте заявку на повторное открытие",
        "en": "The journal is closed ({state}, deadline {deadline}): file a reopen request to change it",
    },
    "journal_already_closed": {
        "kk": "Журнал әлдеқашан жабылған",
        "ru": "Журнал уже закрыт",
        "en": "The journal is already closed",
    },
    "journal_open": {
        "kk": "Журнал әлі ашық: алдымен оны жабыңыз",
        "ru": "Журнал ещё открыт: сначала закройте его",
        "en": "The journal is still open: close it first",
    },
    "grant_scope": {
        "kk": "Қайта ашу рұқсаты бұл ұяшықты қамтымайды ({student}, {column})",
        "ru": "Разрешение на повторное открытие не распространяется на эту ячейку ({student}, {column})",
        "en": "The reopen grant does not cover this cell ({student}, {column})",
    },
    "grant_no_grade_change": {
        "kk": "Журнал бағаларды өзгертпей ашылған: бұл жазба білім алушының бағасын өзгертеді ({what_changed})",
        "ru": "Журнал открыт без изменения оценок: эта запись меняет оценки обучающегося ({what_changed})",
        "en": "The journal was reopened without grade change: this entry changes the student's grades ({what_changed})",
    },
    "transfer_not_for_exam": {
        "kk": "Емтихан бағанына «қайта есепке алу» қойылмайды",
        "ru": "«Перезачет» не ставится в графу экзамена",
        "en": "A credit transfer cannot be entered in the exam column",
    },
    "exam_not_admitted": {
        "kk": "Білім алушы емтиханға жіберілмеген (ЖРБ {rd} < {minimum}): емтихан бағасы қойылмайды",
        "ru": "Обучающийся не допущен к экзамену (РД {rd} < {minimum}): оценка за экзамен не ставится",
        "en": "The student is not admitted to the exam (admission rating {rd} < {minimum}): no exam mark",
    },
    "import_exam_not_admitted": {
        "kk": "«{journal}» ({group}), {student}: білім алушы емтиханға жіберілмеген (ЖРБ {rd} < {minimum}), "
              "ал файлда емтихан бағасы бар ({exam}): журнал оны «жіберілмеді» деп көрсетеді",
        "ru": "«{journal}» ({group}), {student}: обучающийся не допущен к экзамену (РД {rd} < {minimum}), "
              "а в файле есть оценка за экзамен ({exam}): журнал показывает «не допущен»",
        "en": "“{journal}” ({group}), {student}: the student is not admitted to the exam (admission rating "
              "{rd} < {minimum}), yet the file has an exam mark ({exam}): the journal shows “not admitted”",
    },
    "reopen_not_yours": {
        "kk": "Өтінімді оны берген оқытушы ғана аяқтай алады",
        "ru": "Завершить заявку может только подавший её преподаватель",
        "en": "Only the teacher who filed the request can complete it",
    },
    "date_in_future": {
        "kk": "Күні болашақта болмауы керек ({date})",
        "ru": "Дата не может быть в будущем ({date})",
        "en": "The date cannot be in the future ({date})",
    },
    "date_order": {
        "kk": "Қате анықталған күн қате енгізілген күннен ерте болмауы керек",
        "ru": "Дата выявления ошибки не может быть раньше даты неверной записи",
        "en": "The error cannot be detected before the wrong entry was made",
    },
    "blocks_missing": {
        "kk": "Интеграцияланған пәннің барлық блоктарының журналдары жоқ ({missing})",
        "ru": "Нет журналов всех блоков интегрированной дисциплины ({missing})",
        "en": "Not every block of the integrated discipline has a journal ({missing})",
    },
    "mark_conflict_self": {
        "kk": "Бұл ұяшықты сіз басқа бетте немесе терезеде өзгерттіңіз (қазір «{current}»)",
        "ru": "Вы изменили эту ячейку в другой вкладке или окне (сейчас «{current}»)",
        "en": "You changed this cell in another tab or window (now “{current}”)",
    },
    "mark_conflict": {
        "kk": "Бұл ұяшықты басқа пайдаланушы өзгертті ({who}, қазір «{current}»): бетті жаңартып, қайта енгізіңіз",
        "ru": "Эту ячейку изменил другой пользователь ({who}, сейчас «{current}»): обновите страницу и введите снова",
        "en": "Someone else changed this cell ({who}, now “{current}”): reload and enter it again",
    },
    # --- permissions -------------------------------------------------------
    "nomenclature_taken": {
        "kk": "Бұл номенклатурада бұрыннан бар ({key}): бір индекс, бір құжат түрі — бір ғана іске",
        "ru": "Уже есть в номенклатуре ({key}): индекс и вид документа — только в одном деле",
        "en": "Already in the nomenclature ({key}): an index or a document kind goes in one file only",
    },
    "job_running": {
        "kk": "№{job} тапсырма қазір орындалып жатыр ({runner}); ол аяқталғанша немесе тоқтатылғанша күтіңіз",
        "ru": "Задание №{job} уже выполняется ({runner}); дождитесь его окончания или отмените его",
        "en": "Job {job} is running ({runner}); wait for it to end or cancel it",
    },
    "job_finished": {
        "kk": "№{job} тапсырма аяқталған ({state})",
        "ru": "Задание №{job} уже завершено ({state})",
        "en": "Job {job} has already ended ({state})",
    },
    "forbidden": {  # the action is a code (journals.mine): for the log and the API's JSON, not for a page
        "kk": "Бұл әрекетке рұқсатыңыз жоқ",
        "ru": "У вас нет прав на это действие",
        "en": "You are not allowed to do this ({action})",
    },
    "not_found": {
        "kk": "Табылмады ({what}): {key}",
        "ru": "Не найдено ({what}): {key}",
        "en": "{what} not found: {key}",
    },
    "bad_login": {
        "kk": "Логин немесе құпиясөз қате",
        "ru": "Неверный логин или пароль",
        "en": "Wrong login or password",
    },
    "login_throttled": {
        "kk": "Тым көп сәтсіз әрекет: {minutes} минуттан кейін қайталаңыз",
        "ru": "Слишком много неудачных попыток: повторите через {minutes} минут",
        "en": "Too many failed attempts: try again in {minutes} minutes",
    },
    "password_change_required": {
        "kk": "Бір реттік құпиясөзді алдымен өзгертіңіз",
        "ru": "Сначала смените одноразовый пароль",
        "en": "Change your one-time password first",
    },
    "password_too_short": {
        "kk": "Құпиясөз кемінде {min} таңбадан тұруы керек",
        "ru": "Пароль должен содержать не менее {min} символов",
        "en": "The password must have at least {min} characters",
    },
    "user_exists": {
        "kk": "«{login}» логині бар",
        "ru": "Логин «{login}» уже существует",
        "en": "Login “{login}” already exists",
    },
    "role_unknown": {
        "kk": "Белгісіз рөл: {role}",
        "ru": "Неизвестная роль: {role}",
        "en": "Unknown role: {role}",
    },
    # --- reopen workflow ---------------------------------------------------
    "reopen_kind_invalid": {
        "kk": "Қайта ашу түрі «with_change» немесе «without_change» болуы керек",
        "ru": "Вид повторного открытия: «with_change» или «without_change»",
        "en": "Reopen kind must be “with_change” or “without_change”",
    },
    "reopen_step_order": {
        "kk": "Өтінім «{status}» күйінде: бұл қадам ({step}) қазір мүмкін емес",
        "ru": "Заявка в состоянии «{status}»: этот шаг ({step}) сейчас невозможен",
        "en": "The request is “{status}”: this step ({step}) is not possible now",
    },
    "reopen_pending_exists": {
        "kk": "Бұл журнал бойынша аяқталмаған өтінім бар (№{request})",
        "ru": "По этому журналу уже есть незавершённая заявка (№{request})",
        "en": "This journal already has an unfinished request (#{request})",
    },
    "protocol_required": {
        "kk": "Деканат кеңесі хаттамасының нөмірі мен күнін көрсетіңіз",
        "ru": "Укажите номер и дату протокола Совета деканата",
        "en": "Give the dean's council protocol number and date",
    },
    "reason_required": {
        "kk": "Қатенің себебін көрсетіңіз",
        "ru": "Укажите причину ошибки",
        "en": "Give the reason for the error",
    },
    "grant_expired": {
        "kk": "Қайта ашу рұқсатының мерзімі өтті ({expires})",
        "ru": "Срок разрешения на повторное открытие истёк ({expires})",
        "en": "The reopen grant expired ({expires})",
    },
    "substitute_same": {
        "kk": "Алмастырушы журналдың өз оқытушысы бола алмайды",
        "ru": "Замещающий не может быть преподавателем этого журнала",
        "en": "The substitute cannot be the journal's own teacher",
    },
    "not_a_teacher": {
        "kk": "{login} оқытушы емес",
        "ru": "{login} не является преподавателем",
        "en": "{login} is not a teacher",
    },
    "deadline_invalid": {
        "kk": "Мерзім қорытынды бақылау күнінен ({final_control}) ерте болмауы керек",
        "ru": "Срок не может быть раньше даты итогового контроля ({final_control})",
        "en": "The deadline cannot be before the final control date ({final_control})",
    },
    # --- import ------------------------------------------------------------
    "dataset_format": {
        "kk": "Файл пішімі «docservice-dataset/1» емес ({found})",
        "ru": "Формат файла не «docservice-dataset/1» ({found})",
        "en": "The file is not in the “docservice-dataset/1” format ({found})",
    },
    "json_file_empty": {
        "kk": "Файл бос: JSON объектісі күтілген",
        "ru": "Файл пуст: ожидался объект JSON",
        "en": "The file is empty: a JSON object was expected",
    },
    "json_file_invalid": {
        "kk": "Файл JSON емес ({line}-жол, {column}-баған)",
        "ru": "Файл не является JSON (строка {line}, столбец {column})",
        "en": "The file is not JSON (line {line}, column {column})",
    },
    "input_not_object": {
        "kk": "Деректер JSON объектісі болуы керек ({{…}}), ал келгені: {found}",
        "ru": "Данные должны быть объектом JSON ({{…}}), а получено: {found}",
        "en": "The input must be a JSON object ({{…}}), got: {found}",
    },
    "dataset_unreadable": {
        "kk": "Файлды оқу мүмкін емес: {detail}",
        "ru": "Не удалось прочитать файл: {detail}",
        "en": "Cannot read the file: {detail}",
    },
    "output_unwritable": {
        "kk": "{path} файлын жазу мүмкін емес ({detail}): жазуға болатын орынды көрсетіңіз",
        "ru": "Не удалось записать файл {path} ({detail}): укажите место, доступное для записи",
        "en": "Cannot write the file {path} ({detail}): give a writable place",
    },
    "field_required": {
        "kk": "міндетті өріс толтырылмаған",
        "ru": "обязательное поле не заполнено",
        "en": "required field is missing",
    },
    "field_invalid": {
        "kk": "мәні жарамсыз: {detail}",
        "ru": "недопустимое значение: {detail}",
        "en": "invalid value: {detail}",
    },
    "reference_unknown": {
        "kk": "«{key}» табылмады ({what})",
        "ru": "Не найдено: «{key}» ({what})",
        "en": "{what} “{key}” not found",
    },
    "duplicate_key": {
        "kk": "«{key}» қайталанады",
        "ru": "«{key}» повторяется",
        "en": "“{key}” appears twice",
    },
    "sheet_missing": {
        "kk": "«{sheet}» парағы жоқ",
        "ru": "Нет листа «{sheet}»",
        "en": "Sheet “{sheet}” is missing",
    },
    "column_missing": {
        "kk": "«{column}» бағаны жоқ",
        "ru": "Нет столбца «{column}»",
        "en": "Column “{column}” is missing",
    },
    # --- the role pages (issue 4) ---------------------------------------------
    "login_request_done": {
        "kk": "Бұл өтінім бойынша есептік жазба ашылып қойған ({login})",
        "ru": "По этой заявке учётная запись уже создана ({login})",
        "en": "An account was already issued for this request ({login})",
    },
    "login_request_returned": {
        "kk": "Бұл өтінім қайтарылған: {reason}",
        "ru": "Эта заявка возвращена: {reason}",
        "en": "This request was returned: {reason}",
    },
    "reject_reason_required": {
        "kk": "Өтінімді қайтару себебін жазыңыз: оны кафедра меңгерушісі оқиды",
        "ru": "Укажите причину возврата заявки: её прочитает заведующий кафедрой",
        "en": "Write why the request is returned: the head of department reads it",
    },
    "student_has_account": {
        "kk": "Сынақ кітапшасы {record_book} білім алушының есептік жазбасы бар ({login})",
        "ru": "У обучающегося с зачётной книжкой {record_book} уже есть учётная запись ({login})",
        "en": "The student with record book {record_book} already has an account ({login})",
    },
    "upload_missing": {
        "kk": "Файлды таңдаңыз (.json немесе .xlsx)",
        "ru": "Выберите файл (.json или .xlsx)",
        "en": "Choose a file (.json or .xlsx)",
    },
    "upload_expired": {
        "kk": "Жүктелген файл табылмады немесе ескірді: оны қайта жүктеңіз",
        "ru": "Загруженный файл не найден или устарел: загрузите его заново",
        "en": "The uploaded file is gone or out of date: upload it again",
    },
    "substitute_other_department": {
        "kk": "Алмастырушы журнал кафедрасының оқытушысы болуы керек ({department})",
        "ru": "Замещающим может быть только преподаватель кафедры журнала ({department})",
        "en": "The substitute must be a teacher of the journal's department ({department})",
    },
    "period_order": {
        "kk": "Аяқталу күні басталу күнінен ерте болмауы керек",
        "ru": "Дата окончания не может быть раньше даты начала",
        "en": "The end date cannot be before the start date",
    },
    "ktp_lesson_has_marks": {
        "kk": "{column} сабағында бағалар бар ({count}): оны КТЖ-дан алып тастауға болмайды",
        "ru": "На занятии {column} уже есть оценки ({count}): его нельзя убрать из КТП",
        "en": "The lesson of {column} already has marks ({count}): it cannot be dropped from the KTP",
    },
    # --- installation and operation ----------------------------------------------
    "setup_home_unwritable": {
        "kk": "{path} қалтасына жазу мүмкін емес ({detail}): DOCSERVICE_HOME жазуға болатын қалтаны көрсетсін",
        "ru": "Нет доступа на запись в папку {path} ({detail}): укажите в DOCSERVICE_HOME папку, доступную для записи",
        "en": "Cannot write to the folder {path} ({detail}): point DOCSERVICE_HOME at a writable folder",
    },
    "setup_database_url": {
        "kk": "DATABASE_URL дұрыс емес: {url} ({detail}). Мысал: postgresql://user@host/docservice",
        "ru": "Неверный DATABASE_URL: {url} ({detail}). Пример: postgresql://user@host/docservice",
        "en": "DATABASE_URL is not valid: {url} ({detail}). Example: postgresql://user@host/docservice",
    },
    "setup_schema_behind": {
        "kk": "Дерекқор сұлбасы {revision} нұсқасында, қажеті — {head}: алдымен `docservice db upgrade` орындаңыз",
        "ru": "Схема базы данных в ревизии {revision}, нужна {head}: сначала выполните `docservice db upgrade`",
        "en": "The database schema is at {revision}, {head} is needed: run `docservice db upgrade` first",
    },
    "setup_database_unreachable": {
        "kk": "Дерекқорға қосылу мүмкін емес: {url} ({detail}). DATABASE_URL мен сервердің жұмысын тексеріңіз",
        "ru": "Нет подключения к базе данных {url} ({detail}): проверьте DATABASE_URL и что сервер запущен",
        "en": "Cannot connect to the database {url} ({detail}): check DATABASE_URL and that the server is running",
    },
    # --- reminders (docservice reminders send) -------------------------------------
    "reminders_mail_server_missing": {
        "kk": "Пошта сервері көрсетілмеген: еске салу хаттарын жіберу үшін DOCSERVICE_MAIL_SERVER (қажет болса DOCSERVICE_MAIL_PORT) орнатыңыз",
        "ru": "Не задан почтовый сервер: чтобы отправлять напоминания, укажите DOCSERVICE_MAIL_SERVER (и при необходимости DOCSERVICE_MAIL_PORT)",
        "en": "No mail server is set: to send reminders, set DOCSERVICE_MAIL_SERVER (and DOCSERVICE_MAIL_PORT if needed)",
    },
    "reminders_mail_unreachable": {
        "kk": "{server}:{port} пошта серверіне қосылу мүмкін емес ({detail}): DOCSERVICE_MAIL_SERVER мен DOCSERVICE_MAIL_PORT тексеріңіз. Ештеңе жіберілмеді",
        "ru": "Нет связи с почтовым сервером {server}:{port} ({detail}): проверьте DOCSERVICE_MAIL_SERVER и DOCSERVICE_MAIL_PORT. Ничего не отправлено",
        "en": "Cannot reach the mail server {server}:{port} ({detail}): check DOCSERVICE_MAIL_SERVER and DOCSERVICE_MAIL_PORT. Nothing was sent",
    },
    # --- backups (docservice backup) ---------------------------------------------
    "backup_unreadable": {
        "kk": "{path} архиві оқылмайды ({detail}): ол зақымдалған немесе docservice сақтық көшірмесі емес",
        "ru": "Архив {path} не читается ({detail}): он повреждён или не является резервной копией docservice",
        "en": "The archive {path} cannot be read ({detail}): it is damaged or not a docservice backup",
    },
    "backup_part_truncated": {
        "kk": "Архив зақымдалған: {part} бөлігі үзіліп қалған (файл толық емес)",
        "ru": "Архив повреждён: часть {part} обрывается (файл неполный)",
        "en": "The archive is damaged: part {part} is cut short (the file is incomplete)",
    },
    "backup_part_missing": {
        "kk": "Архив зақымдалған: {part} бөлігі жоқ",
        "ru": "Архив повреждён: нет части {part}",
        "en": "The archive is damaged: part {part} is missing",
    },
    "backup_part_altered": {
        "kk": "Архив зақымдалған: {part} бөлігінің SHA-256 мәні manifest.json-дағы мәнге сәйкес келмейді",
        "ru": "Архив повреждён: SHA-256 части {part} не совпадает с указанной в manifest.json",
        "en": "The archive is damaged: part {part} does not match its SHA-256 in manifest.json",
    },
    "backup_part_unexpected": {
        "kk": "Архив зақымдалған: {part} бөлігі manifest.json тізімінде жоқ",
        "ru": "Архив повреждён: части {part} нет в manifest.json",
        "en": "The archive is damaged: part {part} is not listed in manifest.json",
    },
    "backup_manifest_bad": {
        "kk": "Архив зақымдалған: manifest.json оқылмайды ({detail})",
        "ru": "Архив повреждён: manifest.json не читается ({detail})",
        "en": "The archive is damaged: manifest.json cannot be read ({detail})",
    },
    "backup_manifest_mismatch": {
        "kk": "Архив зақымдалған: manifest.json бойынша {counted} = {expected}, ал дерекқор бөлігінде {found}",
        "ru": "Архив повреждён: по manifest.json {counted} = {expected}, а в части с базой данных {found}",
        "en": "The archive is damaged: manifest.json says {counted} = {expected}, the database part holds {found}",
    },
    "backup_database_bad": {
        "kk": "Архив зақымдалған: {part} дерекқор бөлігі ашылмайды ({detail})",
        "ru": "Архив повреждён: часть с базой данных {part} не открывается ({detail})",
        "en": "The archive is damaged: the database part {part} does not open ({detail})",
    },
    "backup_wrong_backend": {
        "kk": "Бұл {archive} дерекқорының сақтық көшірмесі, оны {store} дерекқорына қалпына келтіруге болмайды: "
              "DATABASE_URL {archive} дерекқорын көрсететін орнатылымда қалпына келтіріңіз",
        "ru": "Это резервная копия базы {archive}, её нельзя восстановить в базу {store}: "
              "восстанавливайте в установку, где DATABASE_URL указывает на базу {archive}",
        "en": "This is a backup of a {archive} database; it cannot be restored into {store}: "
              "restore it where DATABASE_URL points to a {archive} database",
    },
    "backup_store_not_empty": {
        "kk": "Қойма бос емес (журналдар: {journals}, пайдаланушылар: {users}, берілген құжаттар: {documents}, "
              "файлдар: {files}): сақтық көшірме бос қоймаға қалпына келтіріледі; бұл қойманы ауыстыру үшін --force қосыңыз",
        "ru": "Хранилище не пусто (журналов: {journals}, пользователей: {users}, выданных документов: {documents}, "
              "файлов: {files}): копия восстанавливается в пустое хранилище; чтобы заменить это, добавьте --force",
        "en": "The store is not empty (journals: {journals}, users: {users}, issued documents: {documents}, "
              "files: {files}): a backup is restored into an empty store; add --force to replace this one",
    },
    "backup_tool_missing": {
        "kk": "{tool} бағдарламасы табылмады: {package} Debian пакетін орнатыңыз (apt-get install {package})",
        "ru": "Программа {tool} не найдена: установите пакет Debian {package} (apt-get install {package})",
        "en": "{tool} is not installed: install the Debian package {package} (apt-get install {package})",
    },
    "backup_tool_failed": {
        "kk": "{tool} қатемен аяқталды: {detail}",
        "ru": "{tool} завершился с ошибкой: {detail}",
        "en": "{tool} failed: {detail}",
    },
    "backup_file_missing": {
        "kk": "Берілген {number} құжатының файлы қоймада жоқ ({key}): сақтық көшірме жасалмады",
        "ru": "Файла выданного документа {number} нет в хранилище ({key}): резервная копия не создана",
        "en": "The file of issued document {number} is not in the storage ({key}): no backup was written",
    },
    "backup_file_not_original": {
        "kk": "Берілген {number} құжатының қоймадағы файлы ({key}) тізілімдегі SHA-256 мәніне сәйкес келмейді: "
              "сақтық көшірме жасалмады",
        "ru": "Файл выданного документа {number} в хранилище ({key}) не совпадает с SHA-256 из реестра: "
              "резервная копия не создана",
        "en": "The stored file of issued document {number} ({key}) does not match its SHA-256 in the register: "
              "no backup was written",
    },
    "backup_check_failed": {
        "kk": "Қалпына келтіруден кейінгі тексеру өтпеді: {counted} — көшірмеде {expected}, қалпына келтірілгені {found}",
        "ru": "Проверка после восстановления не пройдена: {counted} — в копии {expected}, восстановлено {found}",
        "en": "The restore does not check out: {counted} — {expected} in the backup, {found} restored",
    },
    "backup_file_check_failed": {
        "kk": "Қалпына келтіруден кейінгі тексеру өтпеді: қоймадағы {key} файлы көшірмедегіден өзгеше",
        "ru": "Проверка после восстановления не пройдена: файл {key} в хранилище отличается от копии",
        "en": "The restore does not check out: the stored file {key} differs from the backup",
    },
    "backup_revision_unknown": {
        "kk": "Сақтық көшірменің схема ревизиясы {revision} docservice-тің бұл нұсқасына белгісіз: "
              "алдымен оны жасаған нұсқаны немесе жаңасын орнатыңыз",
        "ru": "Ревизия схемы {revision} в резервной копии неизвестна этой версии docservice: "
              "сначала установите версию, которая её создала, или более новую",
        "en": "The backup's schema revision {revision} is unknown to this version of docservice: "
              "install the version that made it, or a newer one, first",
    },
    "backup_store_not_migrated": {
        "kk": "Дерекқорда docservice кестелері жоқ: алдымен docservice db upgrade орындаңыз",
        "ru": "В базе данных нет таблиц docservice: сначала выполните docservice db upgrade",
        "en": "The database has no docservice tables: run docservice db upgrade first",
    },
    "backup_database_unsupported": {
        "kk": "Сақтық көшірме тек SQLite файлы мен PostgreSQL дерекқорлары үшін жасалады, {backend} үшін емес",
        "ru": "Резервное копирование поддерживает только файл SQLite и базы PostgreSQL, но не {backend}",
        "en": "Backups support an SQLite file or a PostgreSQL database, not {backend}",
    },
    "backup_out_exists": {
        "kk": "{path} бұрыннан бар: басқа атау немесе қалта көрсетіңіз",
        "ru": "{path} уже существует: укажите другое имя файла или папку",
        "en": "{path} already exists: give another file name or a folder",
    },
    # --- electronic signature (documents/signing.py) -------------------------
    "signing_key_missing": {
        "kk": "Қол қою кілтінің файлы табылмады: {path} (SIGNING_PKCS12)",
        "ru": "Файл ключа подписи не найден: {path} (SIGNING_PKCS12)",
        "en": "The signing key file is not found: {path} (SIGNING_PKCS12)",
    },
    "signing_key_unreadable": {
        "kk": "{path} қол қою кілтін ашу мүмкін болмады: құпиясөз (SIGNING_PASSWORD) қате немесе файл "
              "RSA/ECDSA кілті мен сертификаты бар PKCS#12 емес (ГОСТ кілттеріне қолдау көрсетілмейді)",
        "ru": "Не удалось открыть ключ подписи {path}: неверный пароль (SIGNING_PASSWORD) или файл не является "
              "PKCS#12 с ключом RSA/ECDSA и сертификатом (ключи ГОСТ не поддерживаются)",
        "en": "Cannot open the signing key {path}: wrong password (SIGNING_PASSWORD), or not a PKCS#12 file "
              "with an RSA/ECDSA key and its certificate (GOST keys are not supported)",
    },
    "signing_tsa_failed": {
        "kk": "Уақыт белгісі сервері {url} белгі бермеді, құжатқа қол қойылмады: {detail}",
        "ru": "Сервер меток времени {url} не выдал метку, документ не подписан: {detail}",
        "en": "The timestamp server {url} gave no timestamp, the document is not signed: {detail}",
    },
    "signing_trust_root_missing": {
        "kk": "Сенімді түбірлік сертификат файлы табылмады: {path} (SIGNING_TRUST_ROOTS)",
        "ru": "Файл доверенного корневого сертификата не найден: {path} (SIGNING_TRUST_ROOTS)",
        "en": "The trusted root certificate file is not found: {path} (SIGNING_TRUST_ROOTS)",
    },
    # Problems of a signature in a checked PDF (not raised: signature_report tells them).
    "signature_broken": {
        "kk": "Қолтаңба файл мазмұнына сәйкес келмейді: файл қол қойылғаннан кейін өзгертілген",
        "ru": "Подпись не соответствует содержимому файла: файл изменён после подписания",
        "en": "The signature does not match the file's content: the file was altered after signing",
    },
    "signature_changed_after": {
        "kk": "Қол қойылғаннан кейін файлға өзгерістер қосылған: бұл берілген құжаттың өзі емес",
        "ru": "После подписания в файл внесены изменения: это не тот файл, который был выдан",
        "en": "Changes were added to the file after it was signed: it is not the file that was issued",
    },
    "signature_unreadable": {
        "kk": "Қолтаңбаны оқу мүмкін емес",
        "ru": "Подпись не удаётся прочитать",
        "en": "The signature cannot be read",
    },
    # --- the register of issued documents -----------------------------------------
    "document_busy": {
        "kk": "{number} құжаты дәл қазір шығарылып жатыр: біраздан соң қайталаңыз",
        "ru": "Документ {number} сейчас оформляется: повторите через минуту",
        "en": "Document {number} is being issued right now: try again in a minute",
    },
    "document_superseded": {
        "kk": "{number} құжаты ауыстырылған, оның орнына — № {successor}",
        "ru": "Документ {number} заменён документом № {successor}",
        "en": "Document {number} has been superseded by № {successor}",
    },
    "document_void": {
        "kk": "{number} нөмірі жарамсыз деп белгіленген: {reason}",
        "ru": "Номер {number} аннулирован: {reason}",
        "en": "Number {number} is void: {reason}",
    },
    "supersede_reason_required": {
        "kk": "Құжатты не себепті ауыстыратыныңызды жазыңыз",
        "ru": "Укажите причину замены документа",
        "en": "Give the reason for superseding the document",
    },
    "document_other_subject": {
        "kk": "Бұл деректер {number} құжатының нысанына сәйкес келмейді: ауыстыратын құжат сол нысан туралы болуы керек",
        "ru": "Эти данные относятся к другому предмету, чем документ {number}: заменяющий документ должен быть о том же",
        "en": "This input is about something other than document {number}: a replacement must be about the same",
    },
    # --- sessions and passwords (issue 11b) ---------------------------------------
    "password_blank": {
        "kk": "Құпиясөз тек бос орындардан тұрмауы керек",
        "ru": "Пароль не может состоять только из пробелов",
        "en": "The password cannot be only spaces",
    },
    "password_has_login": {
        "kk": "Құпиясөзде логин болмауы керек",
        "ru": "Пароль не должен содержать логин",
        "en": "The password must not contain the login",
    },
    "password_common": {
        "kk": "Бұл құпиясөз тым кең таралған (жиі қолданылатын құпиясөздер тізімінде бар): басқасын таңдаңыз",
        "ru": "Этот пароль слишком распространён (есть в списке частых паролей): выберите другой",
        "en": "This password is too common (it is in a list of frequent passwords): choose another",
    },
    "password_unchanged": {
        "kk": "Жаңа құпиясөз қазіргісімен бірдей болмауы керек",
        "ru": "Новый пароль должен отличаться от текущего",
        "en": "The new password must differ from the current one",
    },
    "login_slowed": {
        "kk": "Бұл логинге тым көп сәтсіз әрекет жасалды: {seconds} секундтан кейін қайталаңыз",
        "ru": "Слишком много неудачных попыток входа под этим логином: повторите через {seconds} с",
        "en": "Too many failed attempts on this login: try again in {seconds} s",
    },
    "csrf_missing": {
        "kk": "Беттің қауіпсіздік белгісі жоқ немесе ескірген: бетті жаңартыңыз",
        "ru": "Нет или устарел защитный токен страницы: обновите страницу",
        "en": "The page's security token (CSRF) is missing or expired: reload the page",
    },
    # --- hostile input (issue 11a) ------------------------------------------------------
    "nomenclature_index_invalid": {
        "kk": "«{index}» индексі жарамсыз: тек әріптер мен цифрлар, «-» немесе «.» арқылы бөлінген топтар "
              "(мысалы, 02-07), ең көбі 32 таңба; «/», «..» және бос орын болмайды",
        "ru": "Недопустимый индекс «{index}»: только буквы и цифры группами через «-» или «.» "
              "(например, 02-07), не длиннее 32 символов; «/», «..» и пробелы не допускаются",
        "en": "Invalid index “{index}”: letters and digits in groups joined by “-” or “.” (e.g. 02-07), "
              "at most 32 characters; no “/”, “..” or spaces",
    },
    "storage_key_invalid": {
        "kk": "«{key}» файлы құжаттар қоймасынан тыс жатыр немесе атауы жарамсыз: номенклатура индексін тексеріңіз",
        "ru": "Файл «{key}» вне хранилища документов или с недопустимым именем: проверьте индекс номенклатуры",
        "en": "The file “{key}” is outside the document store or has an invalid name: check the nomenclature index",
    },
    "path_unsafe": {
        "kk": "«{key}» жолы жарамсыз: файлдар тек тапсырма қалтасының ішіне жазылады",
        "ru": "Недопустимый путь «{key}»: файлы записываются только внутри папки задания",
        "en": "Invalid path “{key}”: files are written inside the job's folder only",
    },
    "xlsx_too_large": {
        "kk": "Excel кітабы тым үлкен: {part} ашқанда {found}, рұқсат етілгені {limit}-тан аспайды",
        "ru": "Книга Excel слишком велика: {part} в распакованном виде {found}, допускается не больше {limit}",
        "en": "The Excel workbook is too large: {part} unpacks to {found}, at most {limit} is accepted",
    },
    "xlsx_too_many": {
        "kk": "Excel кітабында {counted_kk} саны тым көп: {found}, ең көбі {limit}",
        "ru": "В книге Excel слишком много {counted_ru}: {found}, допускается не больше {limit}",
        "en": "The Excel workbook has too many {counted_en}: {found}, at most {limit}",
    },
    "xlsx_unsafe_xml": {
        "kk": "Excel кітабының {part} бөлігінде DTD немесе XML нысандары бар: мұндай файл қабылданбайды",
        "ru": "Часть {part} книги Excel содержит DTD или сущности XML: такой файл не принимается",
        "en": "Part {part} of the Excel workbook has a DTD or XML entities: such a file is not accepted",
    },
    "body_too_large": {
        "kk": "Сұраныс тым үлкен: {limit} МБ-тан аспауы керек",
        "ru": "Запрос слишком велик: допускается не больше {limit} МБ",
        "en": "The request is too large: at most {limit} MB is accepted",
    },
    "json_too_deep": {
        "kk": "JSON тым терең салынған: {limit} деңгейден аспауы керек",
        "ru": "Слишком глубокая вложенность JSON: допускается не больше {limit} уровней",
        "en": "The JSON is nested too deeply: at most {limit} levels",
    },
    "json_number_invalid": {
        "kk": "JSON-дағы «{value}» саны жарамсыз (шексіз немесе NaN)",
        "ru": "Недопустимое число «{value}» в JSON (бесконечность или NaN)",
        "en": "Invalid number “{value}” in the JSON (infinite or NaN)",
    },
    "input_not_utf8": {
        "kk": "Деректер UTF-8 кодтауында емес ({position} байтта қате)",
        "ru": "Данные не в кодировке UTF-8 (ошибка в байте {position})",
        "en": "The data is not UTF-8 (error at byte {position})",
    },
    "input_bad_character": {
        "kk": "«{name}» өрісінде рұқсат етілмеген таңба бар ({char}): оны алып тастаңыз",
        "ru": "Поле «{name}» содержит недопустимый символ ({char}): удалите его",
        "en": "The field “{name}” holds a character that is not allowed ({char}): remove it",
    },
    "number_not_ascii": {
        "kk": "«{value}» саны 0–9 цифрларымен жазылуы керек",
        "ru": "Число «{value}» нужно записать цифрами 0–9",
        "en": "Write the number “{value}” with the digits 0–9",
    },
    "import_account_change": {
        "kk": "Импорт {login} қызметкерінің «{column}» мәнін өзгерте алмайды (қазір: {old}; файлда: {new}): "
              "рөлдерді, мектеп пен кафедраны, декан мен меңгеруші лауазымдарын тек АТ департаменті өзгертеді",
        "ru": "Импорт не может изменить «{column}» у сотрудника {login} (сейчас: {old}; в файле: {new}): "
              "роли, школу и кафедру сотрудников, должности деканов и заведующих меняет только ИТ-департамент",
        "en": "An import cannot change “{column}” of staff member {login} (now: {old}; in the file: {new}): "
              "roles, school and department, and the posts of deans and heads are the IT department's to change",
    },
    "import_journal_closed": {
        "kk": "«{journal}» ({group}) журналы {state}, жабу мерзімі {deadline}: оның бағаларын импорт "
              "өзгертпейді, өзгерістер журналды қайта ашуға өтінім арқылы енгізіледі",
        "ru": "Журнал «{journal}» ({group}) {state}, срок закрытия {deadline}: импорт не меняет его оценки, "
              "изменения вносятся через заявку на повторное открытие журнала",
        "en": "The journal “{journal}” ({group}) is {state}, closing deadline {deadline}: an import does not "
              "change its marks, changes go through a request to reopen the journal",
    },
    "import_post_change": {
        "kk": "Импорт {record} үшін «{column}» лауазымын өзгерте алмайды (қазір: {old}; файлда: {new}): "
              "декан мен меңгерушіні тек АТ департаменті тағайындайды",
        "ru": "Импорт не может изменить должность «{column}» для {record} (сейчас: {old}; в файле: {new}): "
              "деканов и заведующих назначает только ИТ-департамент",
        "en": "An import cannot change the post “{column}” of {record} (now: {old}; in the file: {new}): "
              "deans and heads are appointed by the IT department",
    },
    "input_name_too_long": {
        "kk": "Өріс атауы тым ұзын ({length} таңба, ең көбі {limit}): «{name}»",
        "ru": "Слишком длинное имя поля ({length} символов, не больше {limit}): «{name}»",
        "en": "A field name is too long ({length} characters, at most {limit}): “{name}”",
    },
}
