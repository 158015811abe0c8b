"""nakit's least-squares fits run BLAS on one thread (fitutil.one_blas_thread): the same bits
whatever thread count the caller (or the machine's core count) gives BLAS, and the caller's
setting back afterwards."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nakit.fitutil import one_blas_thread
from tests.xrd.test_whole_pattern_profile_cache import _measured


def _blas_threads() -> set[int]:
    import scipy.linalg  # noqa: F401  (scipy's own OpenBLAS is loaded too)

    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_one_thread_inside_and_the_callers_setting_restored():
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with one_blas_thread():
            assert _blas_threads() == {1}
        assert _blas_threads() == before


@pytest.mark.parametrize("fit", ["quenched", "ball-milled", "background", "peaks"])
def test_xrd_fits_give_the_same_bits_whatever_the_callers_thread_count(fit):
    """Without the limit, the whole-pattern fits of two shipped stand-ins differed between one and
    two BLAS threads: the ball-milled crystallinity by 7e-7 (6th significant digit), the quenched
    one by 1.5e-10."""
    from nakit.paths import data_dir
    from nakit.xrd import fit_background, fit_peaks, fit_whole_pattern, read_xrd
    from nakit.xrd.synthetic import INSTRUMENT

    stand_ins = {"quenched": ("quenched.raw", ("kapton", "glass")),
                 "ball-milled": ("ballmilled_na2s_nps_c.raw", ("kapton", "carbon"))}

    def run():
        if fit in stand_ins:
            name, humps = stand_ins[fit]
            res = fit_whole_pattern(read_xrd(data_dir() / "xrd" / name), ["Na2S_Fm-3m"], humps=humps,
                                    instrument=INSTRUMENT)
            return np.array([res.rwp, res.crystallinity, *res.phases["a"], *res.phases["size_nm"]])
        if fit == "background":
            res = fit_background(read_xrd(data_dir() / "xrd" / "annealed.raw"), humps=("kapton", "carbon"))
            return np.asarray(res.model)
        return fit_peaks(_measured())[["two_theta", "fwhm", "area"]].to_numpy(float)

    results = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            results.append(run())
    np.testing.assert_array_equal(results[0], results[1])
