# CPU-bound pure-Python workload for bench/run.py: function calls, integer loops, dict and
# str work, list sorting, a small class hierarchy. Deterministic output (run with
# PYTHONHASHSEED=0; nothing here depends on set or dict-of-hash ordering anyway).
import sys

# usage: python3 cpu.py [UNITS]: the loops scale linearly with UNITS (default 4).
units = int(sys.argv[1]) if len(sys.argv) > 1 else 4


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def lcg_sum(n):
    x, s = 12345, 0
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        s ^= x >> 33
    return s


def words(n):
    counts = {}
    x = 7
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        w = "w%d" % (x % 5000)
        counts[w] = counts.get(w, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return len(top), top[0]


def strings(n):
    s = "".join("%d:%x;" % (i, i * 2654435761 % 4294967296) for i in range(1, n + 1))
    fields = s.split(";")
    up = s.upper().replace("A", "_")
    return len(s), len(fields), up.count("_"), sum(len(f) for f in fields if "7" in f)


class Shape:
    def area(self):
        raise NotImplementedError


class Rect(Shape):
    def __init__(self, w, h):
        self.w, self.h = w, h

    def area(self):
        return self.w * self.h


class Tri(Shape):
    def __init__(self, b, h):
        self.b, self.h = b, h

    def area(self):
        return self.b * self.h // 2


def shapes(n):
    objs = [Rect(i % 17, i % 13) if i % 3 else Tri(i % 19, i % 11) for i in range(n)]
    return sum(o.area() for o in objs)


print("fib", fib(18 + units))
print("lcg", lcg_sum(40000 * units))
print("words", words(25000 * units))
print("strings", strings(12000 * units))
print("shapes", shapes(25000 * units))
