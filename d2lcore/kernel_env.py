"""The pinned kernel environment: the same floating-point bits on every x86-64 CPU.

PyTorch's CPU kernels (ATen), MKL's matrix products, NumPy's ufuncs, OpenBLAS (NumPy's matrix
products, which matplotlib uses to place a figure's contents) and glibc's ``exp``/``log`` each
pick a code path by instruction set (SSE4, AVX2, FMA, AVX-512). The paths agree to within
rounding but not bit for bit, and ten epochs of SGD carry a last-bit difference into the third
decimal of an accuracy. The variables in :data:`PINNED` select one portable path in each library,
so an AVX2 laptop, an AVX-512 server and an emulated older CPU compute identical bits (checked by
``tests/test_portability.py``). Every run that stores or checks the book's outputs uses them:
``scripts/execute.py``, the nbval kernels (``conftest.py``) and ``benchmarks/bench_book.py``.

They are read once, when each library loads, so they must be in the environment before the
Python process starts; :func:`pinned_environ` builds such an environment for a child process,
and ``python -m d2lcore.kernel_env COMMAND ...`` runs a command under it, for example
``python -m d2lcore.kernel_env jupyter lab`` to reproduce the stored outputs interactively.
Interactive kernels otherwise run at full speed, with results that may differ from the page in
the last digits.

One thing cannot be pinned by the environment, and the notebooks avoid it: ``torch.sqrt`` of a
float tensor (even of one element) is computed by MKL's vector maths library, whose last bits
differ between an emulated and a real CPU even under ``MKL_CBWR``. Notebooks take square roots of
Python floats with ``math.sqrt`` (always correctly rounded) and use ``Adam(..., fused=True)``,
whose kernel is ATen's own (the unfused Adam calls ``torch.sqrt``).

``tests/test_notebooks.py`` checks it. Bits are promised for x86-64 Linux only; see
:func:`exactness`.
"""
import os
import platform
import sys
from collections.abc import Mapping

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

# For every scripted run that stores or checks outputs, beside PINNED: the Animator draws only
# its final figure (nbval records every display update; see d2lcore/plotting.py).
SCRIPTED: dict[str, str] = {"D2LCORE_ANIMATE": "0"}

# Inherited from a shell, these would replace matplotlib-inline in the kernels.
REMOVED: tuple[str, ...] = ("MPLBACKEND",)


def pinned_environ(base: Mapping[str, str] | None = None, scripted: bool = True) -> dict[str, str]:
    """Return a copy of ``base`` (default ``os.environ``) with the pinned settings applied.

    ``scripted=True`` also turns the Animator's live updates off and drops ``MPLBACKEND``,
    as every run that stores or checks notebook outputs needs.
    """
    env = dict(os.environ if base is None else base)
    env.update(PINNED)
    if scripted:
        env.update(SCRIPTED)
        for name in REMOVED:
            env.pop(name, None)
    return env


def native_environ(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return a copy of ``base`` (default ``os.environ``) for full-speed scripted kernels.

    The pinned code-path settings are removed (whoever set them), the scripted settings
    applied, and each kernel keeps one thread: two notebooks run at once on two cores.
    Benchmarks use it to time what the pinned settings cost.
    """
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in PINNED and k not in REMOVED}
    env.update(SCRIPTED, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return env


def apply(scripted: bool = True, native: bool = False) -> None:
    """Apply the pinned settings to ``os.environ``, for the processes this one starts.

    Call it before starting kernels or subprocesses; libraries already loaded in this
    process keep the code paths they chose. ``native=True`` applies :func:`native_environ`.
    """
    new = native_environ() if native else pinned_environ(scripted=scripted)
    for name in set(os.environ) - set(new):
        del os.environ[name]
    os.environ.update(new)


def exactness() -> tuple[bool, str]:
    """Whether stored outputs can be reproduced bit for bit here, and a sentence saying why.

    The pinned paths exist on x86-64 Linux only: other processors (e.g. Apple silicon, ARM
    servers) and other C libraries round differently in a few last bits.
    """
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

    With no command, print the settings as shell assignments.
    """
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        for name, value in PINNED.items():
            print(f"{name}='{value}'")
        return
    env = pinned_environ(scripted=False)
    try:
        os.execvpe(argv[0], argv, env)
    except FileNotFoundError:
        sys.exit(f"d2lcore.kernel_env: command not found: {argv[0]}")


if __name__ == "__main__":
    main()
