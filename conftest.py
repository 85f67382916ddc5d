"""Loaded by every pytest run in this repository, including nbval runs of a single notebook.

The kernels nbval starts inherit this process's environment.
"""
import os

# The Animator draws only its final figure, exactly as when the stored outputs were made
# (scripts/execute.py sets the same); see d2lcore/plotting.py.
os.environ["D2LCORE_ANIMATE"] = "0"
# Kernels must use matplotlib-inline, not a backend inherited from the shell.
os.environ.pop("MPLBACKEND", None)
