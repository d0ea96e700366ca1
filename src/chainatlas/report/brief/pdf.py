"""Word → PDF through LibreOffice headless (fonts embedded by LibreOffice's PDF export).

Why LibreOffice: it lays out the same .docx a user opens in Word, embeds the CJK font it uses, and
is installed from Debian (``libreoffice-writer-nogui``); nothing is downloaded at run time.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from chainatlas.errors import ChainAtlasError

ENGINES = ("soffice", "libreoffice")


def pdf_engine() -> str:
    """The LibreOffice executable, or a clear error saying how to install it."""
    for name in ENGINES:
        path = shutil.which(name)
        if path:
            return path
    raise ChainAtlasError("writing a PDF needs LibreOffice (soffice), which is not installed; install it with "
                          "`apt-get install libreoffice-writer-nogui fonts-wqy-microhei`, or write .docx instead")


def docx_to_pdf(docx: str | Path, pdf: str | Path, timeout: float = 240.0) -> Path:
    """Convert ``docx`` to ``pdf`` (a private LibreOffice profile, so a running LibreOffice is not disturbed)."""
    docx, pdf = Path(docx).resolve(), Path(pdf).resolve()
    engine = pdf_engine()
    with tempfile.TemporaryDirectory(prefix="chainatlas-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        outdir = Path(tmp, "out")
        cmd = [engine, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
               "--outdir", str(outdir), str(docx)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ChainAtlasError(f"LibreOffice did not finish converting {docx} within {timeout:.0f} s") from exc
        made = outdir / (docx.stem + ".pdf")
        if done.returncode != 0 or not made.exists():
            raise ChainAtlasError(f"LibreOffice could not convert {docx} to PDF: {(done.stderr or done.stdout).strip()}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), pdf)
    return pdf
