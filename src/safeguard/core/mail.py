"""The development email backend: messages written to files that only the owner can read."""

from __future__ import annotations

import os
from typing import Any

from django.core.mail.backends.filebased import EmailBackend

from safeguard.core.private_files import FILE_MODE, private_file, private_folder


class PrivateFileEmailBackend(EmailBackend):
    """Django's file backend, with the folder 0700 and each message file 0600.

    The messages hold live set-password links: anyone who could read them could open accounts.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        private_folder(str(self.file_path))  # type: ignore[attr-defined]

    def open(self) -> bool:
        if self.stream is None:
            name = private_file(self._get_filename())
            descriptor = os.open(name, os.O_WRONLY | os.O_APPEND, FILE_MODE)
            self.stream = os.fdopen(descriptor, "ab")
            return True
        return False
