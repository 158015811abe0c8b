"""A study's XRD wavelength in the wrong unit is refused with the unit hint nakit.read gives.

The reader's refusal hints the unit meant ("in pm? give 1.5406 or 'Cu'"), but a study or notebook entry
(checked before anything runs, nakit.samplerules) said only "wavelength 154.06 angstrom is outside 0.05-5
angstrom": one rule, nakit.anodes.wavelength_unit_hint, now words both.
"""

import pytest

from nakit.samplerules import xrd_problems


@pytest.mark.parametrize(("value", "hint"), [(154.06, " (in pm? give 1.5406 or 'Cu')"),
                                             (1.5406e-10, " (in m? give 1.5406 or 'Cu')"),
                                             (15.4, "")])  # 1.54 mistyped as likely as 0.154 in pm: no guess
def test_a_study_entry_hints_the_unit_meant(value, hint):
    (problem,) = xrd_problems([{"label": "S1", "file": "s1.xy", "wavelength": value}])
    assert problem == f"sample 'S1': wavelength {value!r} angstrom is outside 0.05-5 angstrom{hint}"
