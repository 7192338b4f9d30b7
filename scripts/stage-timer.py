#!/usr/bin/env python3
"""stage-timer.py PROGRAM ARGS...: runs the program and appends one line,
"program>output  wall-s  cpu-s  peak-MB", to the file named by $BENCH_LOG
(the output is the operand of -o, else "-").  The benchmarks pass it to
pipeline.mk as RUN="python3 scripts/stage-timer.py", so every stage is
measured without touching the pipeline.  Exits with the program's status.
"""
import os
import resource
import subprocess
import sys
import time

args = sys.argv[1:]
out = args[args.index("-o") + 1] if "-o" in args else "-"
t0 = time.monotonic()
rc = subprocess.call(args)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(os.environ["BENCH_LOG"], "a") as f:
    f.write("%s>%s\t%.2f\t%.2f\t%.0f\n" % (os.path.basename(args[0]),
            os.path.basename(out.rstrip("/")), wall,
            ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024))
sys.exit(rc if rc >= 0 else 128 - rc)
