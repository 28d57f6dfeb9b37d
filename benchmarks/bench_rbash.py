"""The restricted shell's cost per line: a typical client line, and the worst lines that fit
in the 64 KiB limit (the service answers each in a worker thread; these bound how long).

Prints milliseconds per line (median of --repeat runs) for each case, with a stand-in HMC
command that answers at once, so the figures are the parser's and interpreter's own.

    python benchmarks/bench_rbash.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from shellsim import Rbash, Result

CASES = {
    "client line (lshwres | sort | head)": "lshwres -r proc -m S --level lpar -F lpar_name,"
    "curr_proc_units | sort -t, -k2 -nr | head -3",
    "for loop over $(...)": "for M in $(lssyscfg -r sys -F name); do lssyscfg -r lpar -m $M "
    "-F name,state; done",
    "30,000 words (60 KB)": "echo " + "a " * 30_000,
    "6,000 commands (60 KB)": "lssyscfg; " * 6_000,
    "$(...) of 30,000 words": "echo $(echo " + "a " * 30_000 + ")",
    "9,000 loop iterations": "for i in " + "1 " * 9_000 + "; do echo $i; done | wc -l",
    "unbalanced quote at 60 KB": "echo '" + "x" * 60_000,
    "7,001 commands in one && chain": "true && " * 7_000 + "true",
    "6,500 backquoted commands": "echo " + "`echo a` " * 6_500,
    "case *a*a*a*b on 30,000 chars": "X=" + "a" * 30_000 + "; case $X in *a*a*a*b) ;; esac",
    "${X%%*b} of 20,000 chars": "X=" + "a" * 20_000 + "; echo ${#X} ${X%%*b} | wc -c",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    shell = Rbash(lambda words: Result("SYS\n"), {"lssyscfg", "lshwres"}, user="bench")
    for name, line in CASES.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            shell.run(line)
            times.append(time.perf_counter() - start)
        print(f"{name:40s} {len(line):6d} chars  {statistics.median(times) * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
