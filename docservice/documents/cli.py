"""``flask docs …``: list document types, render one from a JSON file, build Word templates."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ..cli_common import acting_user, as_option, cli_lang, domain_errors, read_json_file, write_output
from .validation import InputInvalid

docs_cli = AppGroup("docs", help="Documents: list types, render, issue, build templates.")


@docs_cli.command("list")
def list_command():
    """The registered document types."""
    from .issuing import registry

    for doc_type in registry():
        click.echo(f"{doc_type.id:<20} {doc_type.nomenclature:<8} {doc_type.title('ru')} / {doc_type.title('kk')}")


@docs_cli.command("example")
@click.argument("type_id")
@domain_errors
def example_command(type_id):
    """A type's example input as JSON: a start for ``docs render --data``."""
    from .issuing import registry

    click.echo(json.dumps(registry().get(type_id).example, ensure_ascii=False, indent=1))


@docs_cli.command("render")
@click.argument("type_id")
@click.option("--lang", type=click.Choice(["kk", "ru"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), required=True)
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="The input as a JSON file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@click.option("--issue", "do_issue", is_flag=True, help="Issue and register it (number, SHA-256, kept).")
@as_option
@domain_errors
def render_command(type_id, lang, fmt, data_path, output, do_issue, as_login):
    """Render a document from a JSON input file: a draft preview, or issued with --issue."""
    from . import issuing

    data = read_json_file(data_path)
    try:
        if do_issue:
            issued = issuing.issue(acting_user(as_login), type_id, data, lang, fmt)
            content = issuing.content_of(issued.document, issued.rendition)
            note = f"\t{_ALREADY[cli_lang()].format(date=issued.document.issued_at.strftime('%d.%m.%Y'))}" \
                if issued.already else ""
            click.echo(f"{issued.document.number}\t{issued.rendition.sha256}{note}", err=True)
        else:
            content = issuing.preview(acting_user(as_login), type_id, data, lang, fmt)
    except InputInvalid as exc:
        raise click.ClickException("\n".join(exc.lines())) from None
    write_output(output, content)
    click.echo(output)


@docs_cli.command("check")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder the drafts are written to (<type>-<lang>.<format>).")
@domain_errors
def check_command(folder):
    """Render every registered type's own example in each of its languages and formats, as
    drafts (nothing is registered): after an install, shows that every template and font is
    there. Each file is one line; what fails is said at the end, after trying every one."""
    from ..errors import DomainError
    from .issuing import preview, registry

    failed = []
    for doc_type in registry():
        for lang in doc_type.languages:
            for fmt in doc_type.formats:
                target = folder / f"{doc_type.id}-{lang}.{fmt}"
                try:
                    content = preview(None, doc_type.id, doc_type.example, lang, fmt)
                except (DomainError, InputInvalid) as exc:
                    failed.append(f"{target.name}: {_said(exc)}")
                    continue
                write_output(target, content)
                click.echo(f"{target}\t{target.stat().st_size}")
    if failed:
        raise click.ClickException("\n".join([_NOT_RENDERED[cli_lang()], *failed]))


def _said(exc) -> str:
    return "; ".join(exc.lines()) if isinstance(exc, InputInvalid) else exc.message(cli_lang())


_NOT_RENDERED = {"kk": "Мына құжаттар жасалмады:", "ru": "Не удалось подготовить:", "en": "Not rendered:"}


_ALREADY = {"kk": "бұрын берілген ({date}): сол құжат", "ru": "уже выдан ({date}): тот же документ",
            "en": "already issued ({date}): the same document"}


@docs_cli.command("supersede")
@click.argument("number")
@click.option("--reason", required=True, help="Why the document is replaced (kept in the register).")
@click.option("--lang", type=click.Choice(["kk", "ru"]), help="The new original's language (default: the old one's).")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), help="Its format (default: the old one's).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the new original here.")
@as_option
@domain_errors
def supersede_command(number, reason, lang, fmt, output, as_login):
    """Replace a valid document by a new original of the same subject (a new number)."""
    from . import issuing

    issued = issuing.supersede(acting_user(as_login), number, reason, lang, fmt)
    if output:
        write_output(output, issuing.content_of(issued.document, issued.rendition))
    click.echo(f"{number} → {issued.document.number}\t{issued.rendition.sha256}")


@docs_cli.command("build-templates")
@click.option("--type", "type_ids", multiple=True, help="Only these types (default: all that build their own).")
@click.option("--check", is_flag=True,
              help="Write nothing: fail, naming each template whose file differs from a fresh build.")
@click.option("--into", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write (or check) FOLDER/templates_<lang>/ instead of each type's own folder.")
def build_templates_command(type_ids, check, folder):
    """Write the Word templates of the types that describe theirs (templates_<lang>/<id>.docx).

    The same layout and words always give the same bytes, so ``--check`` tells whether the
    files are those their layouts build (for CI, and after editing a layout or its words)."""
    stale = []
    for target, content in _built_templates(type_ids, folder):
        if check:
            if not target.is_file() or target.read_bytes() != content:
                stale.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        click.echo(target)
    if stale:
        raise click.ClickException("\n".join([_STALE[cli_lang()], *(str(target) for target in stale)]))


_STALE = {"kk": "Word үлгілері макеттерінен құрастырылғанынан өзгеше (docs build-templates іске қосыңыз):",
          "ru": "Шаблоны Word отличаются от того, что строят их макеты (запустите docs build-templates):",
          "en": "Word templates differ from what their layouts build (run docs build-templates):"}


def _built_templates(type_ids, folder: Path | None):
    """(file, bytes) of each Word template the chosen types build."""
    from .docx_builder import template_bytes
    from .issuing import registry

    for doc_type in registry():
        if (type_ids and doc_type.id not in type_ids) or not doc_type.template_dirs:
            continue
        for lang in doc_type.languages:
            document = doc_type.docx_template(lang)
            if document is None:
                continue
            top = folder or Path(doc_type.template_dirs[0])
            yield top / f"templates_{lang}" / f"{doc_type.template_name()}.docx", template_bytes(document)
