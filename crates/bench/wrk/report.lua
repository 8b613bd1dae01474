-- Appended to every scenario script: prints the run's figures as one JSON line, which the
-- benchmark runner reads. Latencies are in microseconds; wrk counts a status of 400 or more
-- as a status error. `latency_us` is every latency recorded with its count, so that the
-- runner can merge the rounds of a load and read their percentiles over all of them.
function done(summary, latency, requests)
  local e = summary.errors
  local counts = {}
  for i = 1, #latency do
    local value, count = latency(i)
    counts[i] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"status_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"latency_us":[%s]}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(counts, ",")))
end
