"""Electronic signature of issued PDFs (docservice/documents/signing.py): PAdES B-B and B-T on
a real WeasyPrint PDF/A-3b, checked by pyHanko's own validator and by ``signature_report``.

Keys are made here: a throwaway CA, a signer like a national PKI (НУЦ РК) individual's
certificate, and a TSA served on 127.0.0.1 by pyHanko's DummyTimeStamper. Nothing leaves
the machine.
"""
from __future__ import annotations

import asyncio
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pypdf
import pytest
import weasyprint
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from docservice.documents.signing import (
    off_the_event_loop,
    sign_pdf,
    signature_report,
    signer_from_config,
    trust_roots_from_config,
)
from docservice.errors import SetupError

# The keys and the PDF are made once per module: keep the module on one worker.
pytestmark = pytest.mark.xdist_group("signing")

KAZAKH = "Қазақ әріптері: ә ғ қ ң ө ұ ү һ і"
SIGNER_CN = "Сейітов Ерлан"
SIGNER_IIN = "IIN900101300123"
PASSWORD = "құпия-Пароль-1"
NOW = datetime.now(UTC)


def _name(common_name: str, serial: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")])


def _usage(**allowed) -> x509.KeyUsage:
    flags = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                           "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    return x509.KeyUsage(**{**flags, **allowed})


def _certificate(subject, key, issuer=None, issuer_key=None, *, ca=False, tsa=False,
                 valid_from=NOW - timedelta(days=1), valid_until=NOW + timedelta(days=365)):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer or subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(valid_from).not_valid_after(valid_until)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
    elif tsa:
        builder = (builder.add_extension(_usage(digital_signature=True), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True))
    else:
        builder = builder.add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
    return builder.sign(issuer_key or key, hashes.SHA256())


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pkcs12(key, certificate, ca_certificate, password: str = PASSWORD) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"signer", key, certificate, [ca_certificate],
        serialization.BestAvailableEncryption(password.encode()))


def _asn1(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@pytest.fixture(scope="module")
def pki():
    ca_key = _key()
    ca = _certificate(_name("Docservice Test Root CA"), ca_key, ca=True)
    signer_key = _key()
    signer = _certificate(_name(SIGNER_CN, SIGNER_IIN), signer_key, ca.subject, ca_key)
    tsa_key = _key()
    tsa = _certificate(_name("Docservice Test TSA"), tsa_key, ca.subject, ca_key, tsa=True)
    return {"ca_key": ca_key, "ca": ca, "signer_key": signer_key, "signer": signer,
            "tsa_key": tsa_key, "tsa": tsa}


@pytest.fixture(scope="module")
def original() -> bytes:
    html = f"<html lang=kk><body><p>{KAZAKH}</p></body></html>"
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


@pytest.fixture
def config(pki, tmp_path):
    key_file = tmp_path / "signer.p12"
    key_file.write_bytes(_pkcs12(pki["signer_key"], pki["signer"], pki["ca"]))
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(pki["ca"].public_bytes(serialization.Encoding.PEM))
    return {"SIGNING_PKCS12": str(key_file), "SIGNING_PASSWORD": PASSWORD, "SIGNING_TSA_URL": None,
            "SIGNING_REASON": "Ресми құжат / Официальный документ", "SIGNING_LOCATION": "Алматы",
            "SIGNING_TRUST_ROOTS": [str(ca_file)]}


@pytest.fixture
def signed(original, config) -> bytes:
    return sign_pdf(original, config)


def _pyhanko_status(pdf: bytes, ca):
    signature, = PdfFileReader(BytesIO(pdf)).embedded_signatures
    return off_the_event_loop(validate_pdf_signature, signature,
                              ValidationContext(trust_roots=[_asn1(ca)], allow_fetching=False))


def test_signed_pdf_validates_with_pyhanko_and_in_the_report(signed, pki, config):
    status = _pyhanko_status(signed, pki["ca"])
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert status.timestamp_validity is None  # B-B: no TSA configured

    sig_dict = PdfFileReader(BytesIO(signed)).embedded_signatures[0].sig_object
    assert sig_dict["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig_dict["/Location"] == "Алматы"

    report, = signature_report(signed, trust_roots_from_config(config))
    assert report["valid"] and report["intact"] and report["covers_whole_file"] and report["trusted"]
    assert report["signer"] == SIGNER_CN and report["signer_id"] == SIGNER_IIN
    assert abs(datetime.fromisoformat(report["signed_at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    assert report["timestamped"] is False
    assert report["problem"] is None and report["problem_code"] is None
    # The settings' PEM paths may be passed as they are.
    assert signature_report(signed, config["SIGNING_TRUST_ROOTS"])[0]["trusted"]


def test_signed_pdf_is_still_the_pdfa3b_it_was(original, signed):
    assert signed.startswith(original)  # an incremental update: the original is untouched
    before, after = pypdf.PdfReader(BytesIO(original)), pypdf.PdfReader(BytesIO(signed))
    xmp = after.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert after.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    # PDF/A wants Info and XMP to agree: signing leaves both as WeasyPrint wrote them.
    assert xmp == before.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert dict(after.metadata) == dict(before.metadata)
    assert KAZAKH in after.pages[0].extract_text()

    widget, = (annotation.get_object() for annotation in after.pages[0]["/Annots"])
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0]  # invisible
    assert widget["/F"] & 4 and not widget["/F"] & (1 | 2 | 32)  # printable, not hidden (PDF/A)
    assert "/NeedAppearances" not in after.trailer["/Root"]["/AcroForm"]


def _content_stream_offset(pdf: bytes) -> int:
    """Where the data of the first page's content stream starts in the file."""
    reader = pypdf.PdfReader(BytesIO(pdf))
    contents = reader.pages[0].raw_get("/Contents")
    number = contents.idnum if hasattr(contents, "idnum") else contents[0].idnum
    start = pdf.index(b"\n%d 0 obj" % number)
    return pdf.index(b"stream", start) + len(b"stream\n")


def test_a_byte_changed_inside_the_signed_range_is_not_valid(signed, config):
    tampered = bytearray(signed)
    tampered[_content_stream_offset(signed) + 10] ^= 0x01
    report, = signature_report(bytes(tampered), trust_roots_from_config(config))
    assert not report["valid"] and not report["intact"]
    assert report["problem_code"] == "signature_broken"
    assert "изменён после подписания" in report["problem"]
    assert report["signer"] == SIGNER_CN  # still says whose signature it was


def test_a_page_changed_by_an_incremental_update_after_signing_is_not_valid(signed, config):
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    overlay = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 50 50 200 40 re f"))
    writer.add_stream_to_page(0, overlay)
    out = BytesIO()
    writer.write(out)
    changed = out.getvalue()
    assert changed.startswith(signed)

    report, = signature_report(changed, trust_roots_from_config(config), lang="kk")
    assert report["intact"]  # the signed bytes are as they were …
    assert not report["covers_whole_file"] and not report["valid"]  # … but more was added
    assert report["problem_code"] == "signature_changed_after"
    assert "Қол қойылғаннан кейін" in report["problem"]


def test_unsigned_or_unreadable_pdf_has_no_signatures(original):
    assert signature_report(original) == []
    assert signature_report(b"not a pdf at all") == []


def test_without_a_key_documents_are_issued_unsigned(original):
    config = {"SIGNING_PKCS12": None, "SIGNING_PASSWORD": ""}
    assert signer_from_config(config) is None
    assert sign_pdf(original, config) is original


def test_wrong_password_is_a_setup_error_in_kazakh_and_russian(original, config):
    with pytest.raises(SetupError) as caught:
        sign_pdf(original, {**config, "SIGNING_PASSWORD": "wrong"})
    assert caught.value.code == "signing_key_unreadable"
    assert "құпиясөз (SIGNING_PASSWORD) қате" in caught.value.message("kk")
    assert "неверный пароль (SIGNING_PASSWORD)" in caught.value.message("ru")
    assert config["SIGNING_PKCS12"] in caught.value.message("ru")


def test_missing_key_file_is_a_setup_error_in_kazakh_and_russian(tmp_path):
    missing = str(tmp_path / "nowhere.p12")
    with pytest.raises(SetupError) as caught:
        signer_from_config({"SIGNING_PKCS12": missing, "SIGNING_PASSWORD": PASSWORD})
    assert caught.value.code == "signing_key_missing"
    assert caught.value.message("kk") == f"Қол қою кілтінің файлы табылмады: {missing} (SIGNING_PKCS12)"
    assert caught.value.message("ru") == f"Файл ключа подписи не найден: {missing} (SIGNING_PKCS12)"


def test_the_key_is_loaded_once_per_version_of_its_file(pki, config):
    first = signer_from_config(config)
    assert signer_from_config(config) is first
    key_file = config["SIGNING_PKCS12"]
    with open(key_file, "wb") as out:  # the key renewed in place
        out.write(_pkcs12(pki["signer_key"], pki["signer"], pki["ca"]))
    stat = os.stat(key_file)
    os.utime(key_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert signer_from_config(config) is not first


def test_trusted_only_against_the_given_roots(signed):
    other_ca = _certificate(_name("Some Other CA"), _key(), ca=True)
    assert signature_report(signed)[0]["trusted"] is False  # no roots: never the system's TLS roots
    report, = signature_report(signed, [other_ca])
    assert report["valid"] and not report["trusted"]


@pytest.fixture
def tsa_url(pki):
    """A tiny RFC 3161 server on 127.0.0.1: pyHanko's DummyTimeStamper behind HTTP. A test may
    set ``server.fixed_dt`` to have it vouch for another time."""
    stamper = DummyTimeStamper(
        tsa_cert=_asn1(pki["tsa"]),
        tsa_key=asn1_keys.PrivateKeyInfo.load(pki["tsa_key"].private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        certs_to_embed=[_asn1(pki["ca"])])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            stamper.fixed_dt = server.fixed_dt
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return None  # the test's TSA keeps quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.fixed_dt = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()
    thread.join()


def test_with_a_tsa_the_signature_is_timestamped(original, config, pki, tsa_url):
    server, url = tsa_url
    server.fixed_dt = NOW - timedelta(hours=1)  # the TSA's time, distinct from the signer's clock
    signed = sign_pdf(original, {**config, "SIGNING_TSA_URL": url})

    status = _pyhanko_status(signed, pki["ca"])
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    report, = signature_report(signed, trust_roots_from_config(config))
    assert report["valid"] and report["trusted"] and report["timestamped"]
    assert datetime.fromisoformat(report["signed_at"]) == server.fixed_dt


def test_an_unreachable_tsa_is_a_setup_error_and_nothing_is_signed(original, config, tsa_url):
    server, url = tsa_url
    server.shutdown()
    server.server_close()
    with pytest.raises(SetupError) as caught:
        sign_pdf(original, {**config, "SIGNING_TSA_URL": url})
    assert caught.value.code == "signing_tsa_failed"
    assert url in caught.value.message("kk") and "документ не подписан" in caught.value.message("ru")


def test_a_timestamp_keeps_an_expired_certificate_trusted(original, pki, tmp_path, config, tsa_url):
    """National PKI certificates last a year; a document signed and timestamped while the
    certificate was valid stays trusted after it expires. Without the timestamp it does not."""
    expired = _certificate(_name(SIGNER_CN, SIGNER_IIN), pki["signer_key"], pki["ca"].subject, pki["ca_key"],
                           valid_from=NOW - timedelta(days=30), valid_until=NOW - timedelta(days=1))
    key_file = tmp_path / "expired.p12"
    key_file.write_bytes(_pkcs12(pki["signer_key"], expired, pki["ca"]))
    expired_config = {**config, "SIGNING_PKCS12": str(key_file)}
    roots = trust_roots_from_config(config)

    untimed, = signature_report(sign_pdf(original, expired_config), roots)
    assert untimed["valid"] and not untimed["trusted"]

    server, url = tsa_url
    server.fixed_dt = NOW - timedelta(days=10)  # while the certificate was valid
    timed, = signature_report(sign_pdf(original, {**expired_config, "SIGNING_TSA_URL": url}), roots)
    assert timed["valid"] and timed["timestamped"] and timed["trusted"]


def test_signing_and_checking_work_inside_a_running_event_loop(original, config, pki):
    """pyHanko runs asyncio.run() inside; a thread with its own loop running (an async server,
    Playwright's sync API in the browser tests) must still sign and check. The loop is run in
    a thread of the test's own, which has none yet whatever else this process runs."""
    async def inside():
        asyncio.get_running_loop()  # a loop is running here
        signed = sign_pdf(original, config)
        return signed, signature_report(signed, trust_roots=[_asn1(pki["ca"])])

    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(inside())))
    thread.start()
    thread.join(60)
    (signed, (report,)), = results
    assert report["valid"] and report["trusted"] and report["signer"] == SIGNER_CN
