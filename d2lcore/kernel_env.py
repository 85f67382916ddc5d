"""The pinned kernel environment: the same floating-point bits on every x86-64 CPU.

This docstring is the one place that explains why the book's kernels run in a fixed environment;
the scripts, tests and docs point here.

**Why.** PyTorch's CPU kernels (ATen), MKL's matrix products, NumPy's ufuncs, OpenBLAS (NumPy's
matrix products, which matplotlib uses to place a figure's contents) and glibc's ``exp``/``log``
each pick a code path by instruction set (SSE4, AVX2, FMA, AVX-512). The paths agree to within
rounding but not bit for bit, and ten epochs of SGD carry a last-bit difference into the third
decimal of an accuracy. Every stored output is compared exactly by the test run, so the variables
in :data:`PINNED` select one portable path in each library and one thread: an AVX2 laptop, an
AVX-512 server and an emulated older CPU then compute identical bits (``tests/test_portability.py``
checks it against ``qemu-x86_64 -cpu Nehalem``).

**How.** The libraries read these variables once, when they load, so they must be in the
environment before a Python process starts: a runner puts them into its own ``os.environ`` with
:func:`apply` before it starts kernels, or passes :func:`environ` to a child process. A *scripted*
run (one that stores or checks outputs) also gets :data:`SCRIPTED` (the Animator draws only its
final figure, since nbval records every display update) and loses :data:`REMOVED`.
The runners: ``scripts/execute.py`` (stores outputs), the root ``conftest.py`` (every pytest run,
so the kernels nbval starts) and ``benchmarks/bench_book.py``.

**Modes.** ``D2LCORE_KERNEL_ENV`` (:data:`MODE_VARIABLE`, read by :func:`requested_mode`; any
other value is an error) chooses the mode of a test run: ``pinned`` (the default) or ``native``,
which leaves the code paths as the caller's environment has them (``benchmarks/bench_book.py``
uses it to time what pinning costs). Bits are promised in pinned mode on x86-64
Linux only (:func:`exactness`); elsewhere the test run compares outputs after
``tests/sanitize-rounding.cfg`` has replaced what depends on rounding.

**Interactive kernels** run at full speed, with results that may differ from the page in the last
digits; ``python -m d2lcore.kernel_env jupyter lab`` starts JupyterLab with the pinned settings
(not scripted: the Animator stays live) to reproduce the pages bit for bit.

**What the environment cannot pin**, so the notebooks avoid it (a static test in
``tests/test_portability.py`` refuses it): an elementwise square root of a float tensor
(``torch.sqrt(t)``, ``t.sqrt()``, ``t.sqrt_()``, even of one element) is computed by MKL's vector
maths library, whose last bits differ between an emulated and a real CPU even under ``MKL_CBWR``;
the unfused ``torch.optim.Adam`` calls it on every step. Notebooks take square roots of Python
floats with ``math.sqrt`` and pass ``fused=True`` to Adam, whose kernel is ATen's own.
"""
import os
import platform
import sys
from collections.abc import Mapping
from typing import Literal

from .plotting import ANIMATE_ENV

Mode = Literal["pinned", "native"]
MODE_VARIABLE = "D2LCORE_KERNEL_ENV"
MODES: tuple[Mode, ...] = ("pinned", "native")

PINNED: dict[str, str] = {
    # The order of a parallel reduction depends on the thread count.
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    # ATen's scalar-width ("default") kernels instead of its AVX2/AVX-512 builds; this also
    # selects the same normal_() sampler everywhere (the AVX2 build has its own).
    "ATEN_CPU_CAPABILITY": "default",
    # MKL's conditional numerical reproducibility: the SSE2 code path on every CPU.
    "MKL_CBWR": "COMPATIBLE",
    # NumPy's baseline (x86-64-v2) loops instead of its AVX2/AVX-512 ufunc kernels.
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    # OpenBLAS (NumPy's dot/matmul, also inside matplotlib's transforms): its SSE kernels on every
    # CPU, one thread. This replaces any OPENBLAS_CORETYPE the machine sets: an older core type
    # runs on every newer CPU.
    "OPENBLAS_CORETYPE": "Nehalem",
    "OPENBLAS_NUM_THREADS": "1",
    # glibc's libm has FMA/FMA4 versions of exp, log, pow, sin, ...: use the generic ones.
    "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4",
}

# Every scripted run, whatever its mode: the Animator draws only its final figure
# (see d2lcore/plotting.py).
SCRIPTED: dict[str, str] = {ANIMATE_ENV: "0"}

# Inherited from a shell, these would replace matplotlib-inline in the kernels of a scripted run.
REMOVED: tuple[str, ...] = ("MPLBACKEND",)


def requested_mode(env: Mapping[str, str] | None = None) -> Mode:
    """The mode that ``D2LCORE_KERNEL_ENV`` in ``env`` (default ``os.environ``) asks for.

    Unset or empty means ``"pinned"``; any value other than ``pinned`` or ``native`` is an error.
    """
    value = (os.environ if env is None else env).get(MODE_VARIABLE, "").strip() or "pinned"
    if value not in MODES:
        raise ValueError(f"{MODE_VARIABLE}={value!r}: use 'pinned' (the default) or 'native'")
    return value  # type: ignore[return-value]


def environ(mode: Mode = "pinned", *, scripted: bool = True,
            base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a child process: a copy of ``base`` (default ``os.environ``).

    ``mode="pinned"`` adds :data:`PINNED`; ``"native"`` leaves the code paths as ``base`` has
    them. ``scripted=True`` (a run that stores or checks outputs) also adds :data:`SCRIPTED` and
    drops :data:`REMOVED`; ``scripted=False`` is for interactive use. ``base`` is not changed.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    env = dict(os.environ if base is None else base)
    if mode == "pinned":
        env.update(PINNED)
    if scripted:
        env.update(SCRIPTED)
        for name in REMOVED:
            env.pop(name, None)
    return env


def apply(mode: Mode = "pinned") -> None:
    """Make ``os.environ`` the scripted environment of ``mode``, for the processes this one starts.

    Call it before starting kernels or subprocesses; libraries already loaded in this
    process keep the code paths they chose.
    """
    new = environ(mode)
    for name in set(os.environ) - set(new):
        del os.environ[name]
    os.environ.update(new)


def exactness(mode: Mode | None = None) -> tuple[bool, str]:
    """Whether stored outputs can be reproduced bit for bit here, and a sentence saying why.

    ``mode`` defaults to :func:`requested_mode`. Native kernels take this CPU's own code paths.
    The pinned paths exist on x86-64 Linux only: other processors (e.g. Apple silicon, ARM
    servers) and other C libraries round differently in a few last bits.
    """
    if (mode or requested_mode()) == "native":
        return False, (f"{MODE_VARIABLE}=native: kernels run at full speed without the pinned "
                       "settings, so only outputs that do not depend on rounding are compared.")
    machine = platform.machine().lower()
    if machine not in ("x86_64", "amd64"):
        return False, (f"This is a {platform.machine()} CPU, not x86-64: results that depend on "
                       "floating-point rounding can differ in the last digits from the stored "
                       "outputs, so only outputs that do not depend on rounding are compared.")
    if not sys.platform.startswith("linux"):
        return False, (f"This is {platform.system()}, not Linux: its maths library rounds "
                       "differently from the one the stored outputs were made with, so only "
                       "outputs that do not depend on rounding are compared.")
    return True, "x86-64 Linux: every stored output is compared exactly."


def main(argv: list[str] | None = None) -> None:
    """``python -m d2lcore.kernel_env COMMAND [ARG ...]``: run COMMAND under the pinned settings.

    The command is interactive (not scripted: the Animator stays live, ``MPLBACKEND`` is kept).
    With no command, print the settings as shell assignments.
    """
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        for name, value in PINNED.items():
            print(f"{name}='{value}'")
        return
    try:
        os.execvpe(argv[0], argv, environ("pinned", scripted=False))
    except FileNotFoundError:
        sys.exit(f"d2lcore.kernel_env: command not found: {argv[0]}")


if __name__ == "__main__":
    main()
