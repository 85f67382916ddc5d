"""d2lcore.kernel_env: one definition of the pinned kernel environment, applied by every run."""
import os
import subprocess
import sys

import pytest

from d2lcore import kernel_env


BASE = {"PATH": "/bin", "MPLBACKEND": "TkAgg", "OMP_NUM_THREADS": "8", "ATEN_CPU_CAPABILITY": "avx2"}


def test_a_scripted_pinned_environment_adds_the_settings_without_changing_its_base():
    base = dict(BASE)
    env = kernel_env.environ("pinned", base=base)
    assert base == BASE
    assert {k: env[k] for k in kernel_env.PINNED} == kernel_env.PINNED  # also replaces the base's own
    assert env["D2LCORE_ANIMATE"] == "0" and "MPLBACKEND" not in env and env["PATH"] == "/bin"


def test_an_interactive_environment_keeps_the_live_animator_and_the_backend():
    env = kernel_env.environ("pinned", scripted=False, base=BASE)
    assert env["MPLBACKEND"] == "TkAgg" and "D2LCORE_ANIMATE" not in env
    assert {k: env[k] for k in kernel_env.PINNED} == kernel_env.PINNED


def test_native_mode_leaves_the_code_paths_as_the_base_has_them():
    env = kernel_env.environ("native", base=BASE)
    assert env["OMP_NUM_THREADS"] == "8" and env["ATEN_CPU_CAPABILITY"] == "avx2"
    assert not {"MKL_CBWR", "NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE", "GLIBC_TUNABLES"} & set(env)
    assert env["D2LCORE_ANIMATE"] == "0" and "MPLBACKEND" not in env  # still a scripted run
    assert kernel_env.exactness("native")[0] is False


def test_the_mode_is_read_from_one_variable_and_a_typo_is_an_error():
    assert kernel_env.MODE_VARIABLE == "D2LCORE_KERNEL_ENV"
    assert kernel_env.requested_mode({}) == kernel_env.requested_mode({"D2LCORE_KERNEL_ENV": ""}) == "pinned"
    assert kernel_env.requested_mode({"D2LCORE_KERNEL_ENV": "native"}) == "native"
    with pytest.raises(ValueError, match="D2LCORE_KERNEL_ENV='nativ'.*'pinned'.*'native'"):
        kernel_env.requested_mode({"D2LCORE_KERNEL_ENV": "nativ"})
    with pytest.raises(ValueError, match="mode"):
        kernel_env.environ("fast", base={})


def test_apply_replaces_this_process_environment():
    before = dict(os.environ)
    try:
        os.environ.update(MPLBACKEND="TkAgg", OPENBLAS_CORETYPE="Haswell")
        kernel_env.apply("pinned")
        assert "MPLBACKEND" not in os.environ and os.environ["OPENBLAS_CORETYPE"] == "Nehalem"
    finally:
        os.environ.clear()
        os.environ.update(before)


def test_this_test_run_gives_its_kernels_the_pinned_settings():
    # conftest.py applies them to this process; the nbval kernels inherit its environment.
    if kernel_env.requested_mode() == "native":
        pytest.skip("D2LCORE_KERNEL_ENV=native")
    assert {k: os.environ.get(k) for k in kernel_env.PINNED} == kernel_env.PINNED
    assert os.environ["D2LCORE_ANIMATE"] == "0"


def test_a_kernel_started_with_them_reports_the_portable_code_path():
    code = "import torch; print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads())"
    out = subprocess.run([sys.executable, "-c", code], env=kernel_env.environ("pinned"),
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["DEFAULT", "1"]


@pytest.mark.parametrize(("machine", "system", "exact"), [("x86_64", "linux", True), ("AMD64", "linux", True),
                                                          ("arm64", "darwin", False), ("aarch64", "linux", False),
                                                          ("x86_64", "darwin", False)])
def test_exactness_is_promised_on_x86_64_linux_only(monkeypatch, machine, system, exact):
    monkeypatch.setattr(kernel_env.platform, "machine", lambda: machine)
    monkeypatch.setattr(kernel_env.sys, "platform", system)
    ok, sentence = kernel_env.exactness("pinned")
    assert ok is exact
    assert sentence.endswith(".") and ("compared exactly" in sentence) == exact


def test_the_command_line_prints_the_settings_or_names_a_missing_command():
    run = [sys.executable, "-m", "d2lcore.kernel_env"]
    listed = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert listed.splitlines() == [f"{k}='{v}'" for k, v in kernel_env.PINNED.items()]
    missing = subprocess.run(run + ["no-such-command-xyz"], capture_output=True, text=True)
    assert missing.returncode == 1 and "command not found: no-such-command-xyz" in missing.stderr
