"""nakit: a reproducible analysis workbook for all-solid-state Na-S battery research.

Start here, with a file of any technique::

    import nakit
    ds = nakit.read("my_scan.xrdml")   # recognised by content; nakit.read(path, wavelength=1.5406, ...)
                                       # gives a fact the file does not state
    nakit.identify("my_scan.xrdml")    # "xrd", "raman", "sorption", "cycling" or "eis"
    nakit.quicklook(ds)                # a first figure of it

``ds`` is an xarray Dataset with named dimensions, units and its source file's provenance. The
analyses live in one subpackage per technique (``nakit.xrd``, ``nakit.raman``, ``nakit.sorption``,
``nakit.cycling``, ``nakit.eis``; ``help(nakit.sorption)`` lists each one's functions); the
conventions every reader and result follows are written down in :mod:`nakit.datamodel`.
"""

__version__ = "0.1.0"

from ._lazy import lazy_exports as _lazy_exports

# ``nakit.read(path)``: any technique's file, recognised by content (imported on first use, so
# ``import nakit.<technique>`` stays light)
_lazy_exports(__name__, {"read": "reading", "identify": "reading", "technique_of": "reading", "quicklook": "quicklook"},
              subpackages=("xrd", "raman", "sorption", "cycling", "eis"))
