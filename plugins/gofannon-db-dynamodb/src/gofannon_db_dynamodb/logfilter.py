"""Keep AWS credentials out of botocore's DEBUG logs.

botocore logs every prepared request at DEBUG, headers included: the access key id
(``Credential=AKIA.../``) and, with temporary credentials, the session token
(``X-Amz-Security-Token``). This filter masks both before any handler sees them.
"""

from __future__ import annotations

import logging
import re

from gofannon_db.redaction import MASK

__all__ = ["install", "redact_credentials"]

_PATTERNS = (
    (re.compile(r"(Credential=)[^/\s,'\"]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(Signature=)[0-9a-fA-F]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(X-Amz-Security-Token['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,}]+", re.IGNORECASE), rf"\g<1>{MASK}"),
)
_LOGGERS = ("botocore.endpoint", "botocore.auth", "botocore.httpsession", "urllib3.connectionpool")


def redact_credentials(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class _CredentialFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_credentials(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = _CredentialFilter("gofannon_db_dynamodb")


def install() -> None:
    """Attach the filter to botocore's request loggers (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
