"""nakit: a reproducible analysis workbook for all-solid-state Na-S battery research.

Subpackages follow one technique each (``xrd``, ``raman``, ``sorption``, ``cycling``,
``eis``); the conventions every reader and result follows are written down in
:mod:`nakit.datamodel`.
"""

__version__ = "0.1.0"
