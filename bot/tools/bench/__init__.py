"""`make bench`: our assistant against a stock `rasa init` assistant of the same Rasa version.

Both are started the way their users start them and measured the same way on loopback:
training from clean, start to ready, resident memory, /model/parse and webhook latency
(sequential, 16 and 64 concurrent conversations), throughput, errors and latency along one
long conversation. Every figure is reported beside its ratio to stock (README, "Benchmark").

Modules, one job each: `stats` (percentiles, ratios), `targets` (the issue's targets,
PASS/MISS), `messages` (the realistic mix, `messages.yml`), `load` (the asyncio clients),
`memory` (RSS and CPU time from /proc), `stock` (the stock project), `assistants` (starting
both and timing start to ready), `training` (training time from clean), `runner` (the
phases, interleaved), `report` (JSON, Markdown, PNG) and `__main__` (the CLI).
"""
