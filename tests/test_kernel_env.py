"""d2lcore.kernel_env: one definition of the pinned kernel environment, applied by every run."""
import os
import subprocess
import sys

import pytest

from d2lcore import kernel_env


def test_pinned_environ_adds_the_settings_without_changing_its_base():
    base = {"PATH": "/bin", "MPLBACKEND": "TkAgg", "OMP_NUM_THREADS": "8"}
    env = kernel_env.pinned_environ(base)
    assert base == {"PATH": "/bin", "MPLBACKEND": "TkAgg", "OMP_NUM_THREADS": "8"}
    assert {k: env[k] for k in kernel_env.PINNED} == kernel_env.PINNED
    assert env["D2LCORE_ANIMATE"] == "0" and "MPLBACKEND" not in env and env["PATH"] == "/bin"
    interactive = kernel_env.pinned_environ(base, scripted=False)
    assert interactive["MPLBACKEND"] == "TkAgg" and "D2LCORE_ANIMATE" not in interactive


def test_this_test_run_gives_its_kernels_the_pinned_settings():
    # conftest.py applies them to this process; the nbval kernels inherit its environment.
    if os.environ.get("D2LCORE_KERNEL_ENV") == "native" or not kernel_env.exactness()[0]:
        pytest.skip("native kernels requested, or not x86-64 Linux")
    assert {k: os.environ.get(k) for k in kernel_env.PINNED} == kernel_env.PINNED


def test_a_kernel_started_with_them_reports_the_portable_code_path():
    code = "import torch; print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads())"
    out = subprocess.run([sys.executable, "-c", code], env=kernel_env.pinned_environ(),
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["DEFAULT", "1"]


@pytest.mark.parametrize(("machine", "system", "exact"), [("x86_64", "linux", True), ("AMD64", "linux", True),
                                                          ("arm64", "darwin", False), ("aarch64", "linux", False),
                                                          ("x86_64", "darwin", False)])
def test_exactness_is_promised_on_x86_64_linux_only(monkeypatch, machine, system, exact):
    monkeypatch.setattr(kernel_env.platform, "machine", lambda: machine)
    monkeypatch.setattr(kernel_env.sys, "platform", system)
    ok, sentence = kernel_env.exactness()
    assert ok is exact
    assert sentence.endswith(".") and ("compared exactly" in sentence) == exact


def test_the_command_line_prints_the_settings_or_names_a_missing_command():
    run = [sys.executable, "-m", "d2lcore.kernel_env"]
    listed = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert listed.splitlines() == [f"{k}='{v}'" for k, v in kernel_env.PINNED.items()]
    missing = subprocess.run(run + ["no-such-command-xyz"], capture_output=True, text=True)
    assert missing.returncode == 1 and "command not found: no-such-command-xyz" in missing.stderr


def test_native_environ_removes_every_pinned_setting_but_keeps_one_thread():
    env = kernel_env.native_environ(kernel_env.pinned_environ({"PATH": "/bin", "MPLBACKEND": "TkAgg"}))
    assert not {"ATEN_CPU_CAPABILITY", "MKL_CBWR", "NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE",
                "GLIBC_TUNABLES", "MPLBACKEND"} & set(env)
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1" and env["D2LCORE_ANIMATE"] == "0"
    assert env["PATH"] == "/bin"
