"""What a person types into the learning search, made safe for the database's full-text engine.

Pure: no Django. Both engines get only words (letters and digits), never their query syntax, so
a search for ``NOT "a"*`` cannot change the query's meaning or fail: PostgreSQL receives the
words for ``plainto_tsquery`` (every word must match, stemmed), SQLite FTS5 receives each word
as a quoted string, joined by spaces (every word must match, stemmed by its porter tokenizer).
"""

from __future__ import annotations

import re

MAX_WORDS = 10
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The first ten words of ``text``: runs of letters and digits, lower-cased."""
    return [word.lower() for word in _WORD.findall(text)][:MAX_WORDS]


def fts5_query(text: str) -> str:
    """An FTS5 MATCH expression for every word of ``text`` ('"a" "b"'), or '' for none."""
    return " ".join(f'"{word}"' for word in words_of(text))


def plain_query(text: str) -> str:
    """The words for PostgreSQL's ``plainto_tsquery``, separated by spaces."""
    return " ".join(words_of(text))
