"""What a reader sees of an HTML report, for tests that look for words in it."""

import html as html_lib
import re


def visible_text(html: str) -> str:
    """The report's text: style and script blocks, inline images and tags removed, spaces collapsed."""
    html = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", html)
    html = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", " ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))
