#!/usr/bin/env python3
"""Where translated code spends its time, by TB.

usage: MORPH_PERF_MAP=1 perf record -e cpu-clock -o perf.data -- morph run PROG...
       scripts/perf-tb.py perf.data /tmp/perf-PID.map [N]

perf cannot name samples in morph's code cache (a memfd mapping: perf reads
/tmp/perf-PID.map only for anonymous memory), so this reads `perf script` and
the map morph wrote, and prints the N hottest TBs by guest pc (default 25)
with their share of all samples and the running total, then the share of
samples outside translated code by DSO. Python 3 standard library only.
"""
import bisect
import collections
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data, mapfile = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    tbs = []
    with open(mapfile) as f:
        for line in f:
            start, size, name = line.split()
            tbs.append((int(start, 16), int(size, 16), name))
    tbs.sort()
    starts = [t[0] for t in tbs]
    out = subprocess.run(["perf", "script", "-i", data, "-F", "ip,dso"],
                         capture_output=True, text=True, check=True).stdout
    hot, other, total = collections.Counter(), collections.Counter(), 0
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        total += 1
        if "morph-jit" not in line:
            other[fields[1].strip("()").rsplit("/", 1)[-1]] += 1
            continue
        ip = int(fields[0], 16)
        i = bisect.bisect_right(starts, ip) - 1
        inside = i >= 0 and ip < tbs[i][0] + tbs[i][1]
        hot[tbs[i][2] if inside else "(code cache, no TB)"] += 1
    if not total:
        sys.exit("no samples")
    print(f"{total} samples, {sum(hot.values())} in translated code ({len(hot)} TBs)")
    cum = 0
    for name, n in hot.most_common(top):
        cum += n
        print(f"{100 * n / total:6.2f}% {100 * cum / total:6.1f}%  {name}")
    for name, n in other.most_common(6):
        print(f"{100 * n / total:6.2f}%          {name}")


if __name__ == "__main__":
    main()
