"""Electronic signature of issued PDFs: PAdES baseline B-B, or B-T with a TSA, through pyHanko.

``sign_pdf`` signs an issued original with the university's PKCS#12 key (``SIGNING_PKCS12``);
``signature_report`` says, for every signature in a PDF, whether it still holds. Validation
never goes to the network: no OCSP, no CRL, no certificates fetched.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..errors import SetupError
from ..messages import LANGUAGES, MESSAGES

__all__ = ["sign_pdf", "signature_report", "signer_from_config", "trust_roots_from_config"]

SIGNATURE_FIELD = "docservice"


class _KeepMetadataWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's metadata as it was.

    pyHanko would append itself to the Info /Producer but write only itself into the XMP
    pdf:Producer; Info and XMP then disagree, which PDF/A forbids. The signature carries its
    own time, so the update needs no new metadata (pyHanko's author suggests this override:
    pyHanko issue #223).
    """

    def _update_meta(self):
        return None  # leave the Info dictionary and the XMP exactly as WeasyPrint wrote them


def signer_from_config(config: Mapping) -> signers.SimpleSigner | None:
    """The signer of ``SIGNING_PKCS12`` (None when documents are issued unsigned).

    Loaded once per file version: a replaced key file (new mtime) is read again.
    """
    path = config.get("SIGNING_PKCS12")
    if not path:
        return None
    path = os.fspath(path)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        raise SetupError("signing_key_missing", path=path) from None
    password = config.get("SIGNING_PASSWORD")
    # A DOCSERVICE_SIGNING_PASSWORD of digits arrives as a number (Flask parses env as JSON).
    return _load_signer(path, mtime, None if password is None else str(password))


@lru_cache(maxsize=4)
def _load_signer(path: str, mtime: int, password: str | None) -> signers.SimpleSigner:
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise SetupError("signing_key_missing", path=path) from None
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=password.encode() if password else None)
    except ValueError:  # wrong password, not PKCS#12, no key inside, unsupported key (GOST)
        raise SetupError("signing_key_unreadable", path=path) from None


def off_the_event_loop(fn, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which run ``asyncio.run()`` inside: in a
    thread that already runs an event loop (an async server; Playwright's sync API beside us in
    the tests) that is refused, so the call then goes to a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def sign_pdf(pdf: bytes, config: Mapping) -> bytes:
    """``pdf`` signed (PAdES B-B, B-T with ``SIGNING_TSA_URL``); unchanged without a key.

    One invisible signature field (the document already shows its number and QR code),
    ETSI.CAdES.detached, SHA-256. Appended as an incremental update: the original bytes
    are a prefix of the result, so PDF/A-3b stays as WeasyPrint made it.
    """
    signer = signer_from_config(config)
    if signer is None:
        return pdf
    tsa_url = config.get("SIGNING_TSA_URL")
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=config.get("SIGNING_REASON"),
        location=config.get("SIGNING_LOCATION"),
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer, timestamper=timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None)
    out = BytesIO()
    try:
        off_the_event_loop(pdf_signer.sign_pdf, _KeepMetadataWriter(BytesIO(pdf)), output=out)
    except timestamps.TimestampRequestError as exc:
        # No document goes out without the timestamp the university asked for.
        cause = exc.__cause__ or exc
        detail = str(cause) or type(cause).__name__
        raise SetupError("signing_tsa_failed", url=tsa_url, detail=detail) from None
    return out.getvalue()


def signature_report(pdf: bytes, trust_roots=None, *, lang: str = "ru") -> list[dict]:
    """One entry per signature in ``pdf``, in signing order; ``[]`` when it has none.

    ``trust_roots``: certificates (asn1crypto or cryptography objects, PEM/DER bytes) or paths
    of PEM/DER files, e.g. ``config["SIGNING_TRUST_ROOTS"]``; without them nothing is trusted.
    ``problem`` is told in ``lang``.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
    except (PdfError, ValueError):
        return []  # not a readable PDF: no signature to speak of
    roots = _certificates(trust_roots)
    return [_report(signature, roots, lang) for signature in signatures]


def _report(signature, roots: list, lang: str) -> dict:
    entry = {"valid": False, "intact": False, "covers_whole_file": False, "signer": None,
             "signer_id": None, "signed_at": None, "timestamped": False, "trusted": False,
             "problem_code": None, "problem": None}
    try:
        entry.update(_signer_names(signature.signer_cert))
        status = _validate(signature, roots)
    except (SignatureValidationError, PdfError, ValueError, KeyError):
        return _with_problem(entry, "signature_unreadable", lang)
    stamp = status.timestamp_validity
    timestamped = stamp is not None and stamp.intact and stamp.valid
    signed_at = stamp.timestamp if timestamped else status.signer_reported_dt
    entry.update(
        intact=status.intact and status.valid,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_at=signed_at.isoformat() if signed_at else None,
        timestamped=timestamped,
        trusted=bool(roots) and status.trusted,
    )
    entry["valid"] = entry["intact"] and entry["covers_whole_file"]
    if not entry["intact"]:
        return _with_problem(entry, "signature_broken", lang)
    if not entry["covers_whole_file"]:
        # Anything appended after signing (even what PAdES calls harmless) is a different file
        # from the one issued.
        return _with_problem(entry, "signature_changed_after", lang)
    return entry


def _validate(signature, roots: list):
    status = off_the_event_loop(validate_pdf_signature, signature, _context(roots))
    stamp = status.timestamp_validity
    if roots and not status.trusted and stamp is not None and stamp.intact and stamp.valid and stamp.trusted:
        # A trusted timestamp proves the signature existed at its time: judge the signer's
        # certificate then (it may have expired since; national PKI certificates last a year).
        status = off_the_event_loop(validate_pdf_signature, signature, _context(roots, moment=stamp.timestamp),
                                    ts_validation_context=_context(roots))
    return status


def _context(roots: list, moment=None) -> ValidationContext:
    # An explicit (possibly empty) root list: None would mean the operating system's TLS roots.
    return ValidationContext(trust_roots=list(roots), allow_fetching=False, moment=moment)


def _signer_names(certificate: asn1_x509.Certificate) -> dict:
    subject = certificate.subject.native
    return {"signer": subject.get("common_name"), "signer_id": subject.get("serial_number")}


def _with_problem(entry: dict, code: str, lang: str) -> dict:
    lang = lang if lang in LANGUAGES else "ru"
    entry.update(valid=False, problem_code=code, problem=MESSAGES[code][lang])
    return entry


def _certificates(trust_roots) -> list[asn1_x509.Certificate]:
    if trust_roots is None:
        return []
    if isinstance(trust_roots, (str, os.PathLike, bytes, asn1_x509.Certificate, pyca_x509.Certificate)):
        trust_roots = [trust_roots]
    certificates = []
    for root in trust_roots:
        if isinstance(root, asn1_x509.Certificate):
            certificates.append(root)
        elif isinstance(root, pyca_x509.Certificate):
            certificates.append(asn1_x509.Certificate.load(root.public_bytes(Encoding.DER)))
        else:
            data = root if isinstance(root, bytes) else _read_trust_root(root)
            certificates.extend(load_certs_from_pemder_data(data))
    return certificates


def _read_trust_root(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        raise SetupError("signing_trust_root_missing", path=os.fspath(path)) from None


def trust_roots_from_config(config: Mapping) -> list[asn1_x509.Certificate]:
    """The certificates of ``SIGNING_TRUST_ROOTS`` (PEM/DER file paths) for ``signature_report``."""
    return _certificates(config.get("SIGNING_TRUST_ROOTS") or [])

