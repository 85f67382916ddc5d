"""Loaded by every pytest run in this repository, including nbval runs of a single notebook.

The kernels nbval starts inherit this process's environment.
"""
import os

# The Animator draws only its final figure, exactly as when the stored outputs were made
# (scripts/execute.py sets the same); see d2lcore/plotting.py.
os.environ["D2LCORE_ANIMATE"] = "0"
# Kernels must use matplotlib-inline, not a backend inherited from the shell.
os.environ.pop("MPLBACKEND", None)
# One torch thread per kernel: pytest-xdist runs two notebooks at once on two cores, and more
# threads than cores slows training several times over. scripts/execute.py stores outputs with
# the same setting, so floating-point reductions, and the figures drawn from them, match.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
