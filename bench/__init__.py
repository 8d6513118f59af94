"""`make bench`: the page benchmark (bench/run.py), its Django side (bench/inproc.py), wrk
(bench/wrk.py) and the report in docs/benchmarks.md (bench/report.py)."""
