"""Helpers shared by the benchmark scripts: machine description, alternating timing, result tables.

Every figure a script reports is a median over repeats that alternate between the
variants being compared, so that a slow moment of the machine hits all of them alike.
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from collections.abc import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # d2lcore is imported from this checkout, installed or not
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402


def cpu_model() -> str:
    """The CPU's model name as /proc/cpuinfo (what `lscpu` shows) gives it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """What the figures depend on: CPUs, torch and its thread count, Python, the date."""
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu_model(),
        "nproc": str(os.cpu_count()),
        "torch": torch.__version__,
        "torch threads": str(torch.get_num_threads()),
        "python": platform.python_version(),
        "load average (1 min)": f"{os.getloadavg()[0]:.2f}",
    }


def alternate(variants: dict[str, Callable[[], object]], repeats: int,
              warmup: int = 1) -> dict[str, list[float]]:
    """Run each variant ``warmup`` times untimed, then ``repeats`` rounds of all variants in turn.

    Returns the wall seconds of every timed run, per variant.
    """
    for _ in range(warmup):
        for fn in variants.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


class Report:
    """Collect result tables; print them as text and optionally write them as markdown."""

    def __init__(self, title: str, command: str) -> None:
        self.title = title
        self.command = command
        self.parts: list[str] = []
        self.info = machine()
        print(f"== {title}")
        print("   " + ", ".join(f"{k}: {v}" for k, v in self.info.items()))

    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
        print(f"\n{caption}")
        for j, r in enumerate(cells):
            print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
            if j == 0:
                print("  " + "  ".join("-" * w for w in widths))
        md = [f"**{caption}**", "", "| " + " | ".join(cells[0]) + " |",
              "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        md += ["| " + " | ".join(r) + " |" for r in cells[1:]]
        self.parts.append("\n".join(md))

    def note(self, text: str) -> None:
        print(text)
        self.parts.append(text)

    def write_markdown(self, path: str | None) -> None:
        if not path:
            return
        head = [f"### {self.title}", "", f"Command: `{self.command}`", "",
                "Machine: " + "; ".join(f"{k} {v}" for k, v in self.info.items()), ""]
        text = "\n".join(head) + "\n" + "\n\n".join(self.parts) + "\n"
        if path == "-":
            print("\n" + text)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
            print(f"\nmarkdown written to {path}")


def base_parser(doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--markdown", metavar="FILE",
                        help="also write the result tables as a markdown fragment to FILE ('-': stdout)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="torch intra-op threads (default: torch's choice, one per core)")
    return parser


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the arguments and apply ``--threads`` before anything is measured."""
    args = parser.parse_args()
    if args.threads is not None:
        if args.threads < 1:
            parser.error("--threads must be at least 1")
        torch.set_num_threads(args.threads)
    return args


def command_line() -> str:
    """The command that produced the figures (without --markdown, which only chooses the output)."""
    script = Path(sys.argv[0]).resolve()
    words = [str(script.relative_to(ROOT)) if script.is_relative_to(ROOT) else sys.argv[0]]
    skip = False
    for word in sys.argv[1:]:
        if skip:
            skip = False
        elif word == "--markdown":
            skip = True
        elif not word.startswith("--markdown="):
            words.append(word)
    return "python " + " ".join(words)


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f} s"
