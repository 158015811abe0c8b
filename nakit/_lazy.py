"""Package attributes imported on first use (PEP 562), so ``import nakit.<technique>`` stays light.

A technique package lists what it exports; the submodules that pull in lmfit or scipy are
imported only when one of their names is first used. A submodule that shares its name with
the function it exports (``nakit.eis.drt``) would, once imported, replace that function as
the package attribute; the package refuses that binding, so the function stays what the
package name resolves to, as with an eager ``from .drt import drt``.
"""

from __future__ import annotations

import importlib
import sys
import types


def lazy_exports(package: str, exports: dict[str, str], subpackages: tuple[str, ...] = ()) -> None:
    """Make ``package.<name>`` import ``package.<exports[name]>`` when first looked up, and
    ``package.<sub>`` import the subpackage ``sub`` of ``subpackages`` (``import nakit`` then
    ``nakit.xrd.read_xrd(...)``, as with any package, without importing every technique up front).

    A name starting with dots is a relative import from the package (``"..bridges"`` in
    ``nakit.sorption`` is ``nakit.bridges``).
    """
    module = sys.modules[package]

    class LazyPackage(types.ModuleType):
        def __getattr__(self, name: str):
            if name in subpackages:
                return importlib.import_module(f".{name}", package)
            sub = exports.get(name)
            if sub is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            module = sub if sub.startswith(".") else f".{sub}"
            value = getattr(importlib.import_module(module, package), name)
            types.ModuleType.__setattr__(self, name, value)
            return value

        def __setattr__(self, name: str, value) -> None:
            if (name in exports and isinstance(value, types.ModuleType)
                    and value.__name__ == f"{package}.{name}"):
                return  # the import system binding a submodule named like an exported function
            types.ModuleType.__setattr__(self, name, value)

        def __dir__(self):
            return sorted(set(vars(self)) | set(exports))

    module.__class__ = LazyPackage
