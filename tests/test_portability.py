"""The pinned kernel environment gives the same bits on another x86-64 CPU (why it exists and
what it cannot pin: the docstring of d2lcore/kernel_env.py).

``tests/portability_workload.py`` (seeded, scaled-down linear, softmax, MLP and dropout training
steps, Ames preprocessing with Adam and log-RMSE, exp/log/softmax on tensors and arrays, NumPy
products and a figure) runs three times at once: on this CPU with and without
``d2lcore.kernel_env.PINNED``, and pinned on an emulated Nehalem (``qemu-x86_64 -cpu Nehalem``:
SSE4.2, no AVX, no FMA; Debian's ``qemu-user``). Pinned, every result must agree bit for bit;
unpinned, this CPU's training results must differ from the emulated CPU's, which shows that the
comparison can fail and that the pinned settings are what makes it pass.

Why no unpinned run on the emulated CPU: there the pinned settings change only MKL's code path.
Every other setting names an instruction set that a Nehalem lacks (AVX2, AVX-512, FMA), so the
libraries pick the same portable paths with or without it, and the emulated pinned run stands for
an older CPU whoever runs it. The emulated process is the expensive one (about 50x slower), so the
test runs it once: about 33 CPU-seconds in all instead of 114 (benchmarks/RESULTS.md).

The last two tests read the notebooks' code for what the environment cannot pin.
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from d2lcore import kernel_env
from scripts import book

ROOT = Path(__file__).resolve().parent.parent
WORKLOAD = ROOT / "tests" / "portability_workload.py"
EMULATED_CPU = "Nehalem"  # the oldest CPU NumPy 2.4's x86-64-v2 baseline runs on
TRAINING = ("softmax regression (scratch)", "softmax regression (concise)", "MLP",
            "dropout (scratch)", "dropout (concise, Xavier)")

exact, reason = kernel_env.exactness()


def _environ(pinned: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in kernel_env.PINNED}
    return kernel_env.environ("pinned", base=env) if pinned else env


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, bool], dict]:
    """{(cpu, pinned): the workload's output}, the three runs started together."""
    if not exact:
        pytest.skip(reason)
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        message = "qemu-x86_64 not found: apt-get install qemu-user (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    workload = [sys.executable, str(WORKLOAD)]
    # The native pinned run is the reference and imports everything as a notebook does; the
    # other two skip torch.optim's import of torch._dynamo (see portability_workload.py): the
    # pinned comparison below then also shows that skipping it changes no bit.
    commands = {("native", True): workload,
                ("native", False): [*workload, "--without-dynamo-import"],
                ("emulated", True): [qemu, "-cpu", EMULATED_CPU, *workload, "--without-dynamo-import"]}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = {key: subprocess.Popen(cmd, env=_environ(key[1]), cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for key, cmd in commands.items()}
    results = {}
    for key, proc in procs.items():
        out, err = proc.communicate(timeout=900)  # generous: a busy machine slows qemu
        assert proc.returncode == 0, f"workload failed on {key}:\n{err[-3000:]}"
        results[key] = json.loads(out.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
    print(f"portability workload: {cpu:.1f} CPU-seconds in {len(procs)} processes")
    return results


def test_pinned_bits_agree_on_an_emulated_older_cpu(runs):
    native, emulated = runs[("native", True)], runs[("emulated", True)]
    assert native["capability"] == emulated["capability"] == "DEFAULT"
    differ = [name for name in native["results"]
              if native["results"][name] != emulated["results"].get(name)]
    assert not differ, (f"with the pinned kernel environment these results differ between this CPU "
                        f"and an emulated {EMULATED_CPU}: {differ}")
    assert len(native["results"]) == 16  # every kind of work ran


def test_unpinned_bits_differ_so_the_comparison_can_fail(runs):
    # Unpinned here, against the emulated older CPU (pinned there changes only MKL's path).
    native, emulated = runs[("native", False)], runs[("emulated", True)]
    if native["capability"] == "DEFAULT":
        pytest.skip("this CPU has neither AVX2 nor AVX-512: unpinned, it runs the same kernels "
                    "as the emulated CPU")
    same = [name for name in TRAINING if native["results"][name] == emulated["results"][name]]
    assert not same, (f"unpinned, these training results still agree with the emulated CPU, so the "
                      f"pinned comparison above proves nothing for them: {same}")


def test_pinning_changes_this_cpus_results(runs):
    # The same workload on the same CPU: the pinned settings select other code paths.
    pinned, unpinned = runs[("native", True)], runs[("native", False)]
    if unpinned["capability"] == "DEFAULT":
        pytest.skip("this CPU has neither AVX2 nor AVX-512")
    assert any(pinned["results"][name] != unpinned["results"][name] for name in TRAINING)


# What the pinned kernel environment cannot make portable (d2lcore/kernel_env.py): elementwise
# square roots of tensors, which come from MKL's vector maths, directly or inside the unfused
# Adam. Measured with the pinned settings on this CPU against an emulated Nehalem: torch.sqrt,
# Tensor.sqrt() and three steps of the unfused Adam differ in the last bits; Tensor.std(),
# Tensor.norm(), BatchNorm1d, torch.rsqrt and Adam(fused=True) agree (ATen computes those square
# roots in its own kernels), so they stay allowed.
ADAM_CALL = re.compile(r"optim\.Adam(W)?\(")
TENSOR_SQRT = re.compile(r"torch\.sqrt\(|\.sqrt\(\)|\.sqrt_\(\)")


def _call_text(source: str, start: int) -> str:
    """The text of the call whose opening parenthesis ends at ``start``, up to its closing one."""
    depth = 1
    for end in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[end], 0)
        if depth == 0:
            return source[start:end]
    return source[start:]


def _unportable(source: str) -> list[str]:
    """What in a cell's code would make its outputs depend on the CPU, each with its fix."""
    return ([f"{m.group(0)}: take the square root of a Python float with math.sqrt"
             for m in TENSOR_SQRT.finditer(source)]
            + [f"{m.group(0)}: pass fused=True" for m in ADAM_CALL.finditer(source)
               if "fused=True" not in _call_text(source, m.end())])


def test_the_static_check_refuses_what_it_should_and_only_that():
    refused = ["torch.sqrt(x)", "x.sqrt()", "x.sqrt_()", "torch.optim.Adam(net.parameters(), lr=0.1)",
               "optim.AdamW(params,\n    lr=(0.1))"]
    allowed = ["math.sqrt(mse.item())", "x.std()", "x.norm()", "nn.BatchNorm1d(4)", "torch.rsqrt(x)",
               "torch.optim.Adam(net.parameters(), lr=min(0.1, 1), fused=True)"]
    assert all(_unportable(code) for code in refused)
    assert not any(_unportable(code) for code in allowed)


@pytest.mark.parametrize("path", book.notebooks(), ids=lambda p: p.stem)
def test_notebook_code_has_portable_bits(path):
    problems = [f"cell {i}: {problem}"
                for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"])
                if cell["cell_type"] == "code" for problem in _unportable("".join(cell["source"]))]
    assert not problems, "outputs would depend on the CPU: " + "; ".join(problems)
