#!/usr/bin/env python3
"""Write the written-out form of the shared Job workload as a .pipe program:
N job blocks, job i exactly as ../../shared/bench/workload/canonical.py defines it.

Usage: python3 bench/gen-written-out.py N > jobs-N.pipe"""
import sys


def job(i: int) -> str:
    return f'''job job-{i} {{
  labels = {{ app: "soak", tier: "offline", index: "{i}" }}
  completions = 1000
  parallelism = 2
  retries = 4
  deadline = 7d
  restart = never
  volume cfg = config(soak-config)
  container main {{
    image = "registry.example.com/soak:1.{i % 10}"
    pull = always
    command = ["/bin/run", "--case", "{i}"]
    env {{ CASE = "{i}" }}
    resources {{ cpu = 500m, memory = 300Mi }}
    mount cfg at "/etc/soak"
  }}
}}
'''


def main() -> None:
    n = int(sys.argv[1])
    out = sys.stdout
    out.write('# The shared Job workload, written out (bench/gen-written-out.py)\n')
    out.write('namespace "batch"\n')
    out.write('config soak-config   # exists in the cluster; not emitted\n\n')
    for i in range(n):
        out.write(job(i))


if __name__ == "__main__":
    main()
