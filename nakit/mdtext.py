"""A user's text (a sample label, a title, a file name, an error message quoting them) inside the
markdown of a report, shown as it is written.

A report's markdown is nakit's markup (bold labels, bullet lists, headings, file names in
backticks) around text nakit does not choose. Passed on as it is, that text is markup too: in the
HTML report ``Na<sub>0.67</sub>`` prints as a subscript, ``lot_7*b*`` in italics, ``#3 cell`` at the
start of a line becomes a heading, ``a|b`` splits a table cell, ``[x](url)`` becomes a link, a
``<script>`` in a label is a script, and ``$x$`` is typeset as mathematics. :func:`literal` turns
such text into markdown that renders as the text itself; nakit's own markup goes around it as it
is, so a label is bold in ``f"**{literal(label)}**"`` and nothing in the label is.
"""

from __future__ import annotations

import re

#: what markdown reads as markup anywhere in a line: backslash escapes, emphasis, code spans, links, raw
#: HTML and entities, GFM table cells and strikethrough, nbconvert's mathematics (``$x$``; and ``\(x\)``,
#: ``\[x\]``, ``\begin{x}``, which a label's backslash, even escaped, still starts unless the bracket after
#: it is escaped too), and the ``://`` of a bare URL, whose link would run on into the markup after the text
_INLINE = re.compile(r"[\\`*_\[\]<>&|$~{}]|(?<=\\)[()]|:(?=//)")
#: what makes the start of a line a block: a heading, a quote, a list item (``-``, ``+``, ``1.``, ``1)``),
#: a setext underline, a definition (nbconvert's def_list)
_LINE_START = re.compile(r"^(?:[#>+=:-]|\d+[.)])")

#: MathJax typesets ``$...$`` and ``\(...\)`` in the rendered page itself, after markdown has turned
#: ``\$`` into ``$``; it leaves alone what is inside an element of this class
_NO_MATH = '<span class="tex2jax_ignore">{}</span>'


def literal(text: object) -> str:
    """Markdown that renders as ``text`` itself, on one line.

    Parameters
    ----------
    text
        Text nakit does not write itself: a sample label, a title, a file name, a flag or an error
        message that quotes them. Anything else is taken as its ``str``.

    Returns
    -------
    str
        ``text`` with its runs of white space made one space (a line break in it would end a
        paragraph or start a list), a backslash before every character markdown could read as
        markup there (CommonMark renders an escaped ASCII punctuation character as itself), and,
        when it holds ``$`` or ``\\`` (MathJax's delimiters), in a span MathJax skips. Text without
        such characters (``CMK-3``, ``lot 1 (dried)``) is returned as it is.

    Examples
    --------
    >>> literal("lot_7*b*")
    'lot\\\\_7\\\\*b\\\\*'
    >>> literal("#3 cell")
    '\\\\#3 cell'
    >>> literal("CMK-3")
    'CMK-3'
    """
    plain = " ".join(str(text).split())
    escaped = _INLINE.sub(lambda m: "\\" + m.group(), plain)
    escaped = _LINE_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], escaped)
    return _NO_MATH.format(escaped) if "$" in plain or "\\" in plain else escaped
