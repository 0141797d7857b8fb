/** Request latency buckets in seconds (Prometheus histogram `le` bounds). */
const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Counters and histograms kept per instance and exposed as Prometheus text at `/metrics`. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly gauges = new Map<string, { help: string; read: () => number | Promise<number> }>();

  /** Records one handled request. `route` is the matched pattern, never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hKey = `method="${method}",route="${escapeLabel(route)}"`;
    let h = this.latency.get(hKey);
    if (!h) {
      h = { counts: buckets.map(() => 0), sum: 0, count: 0 };
      this.latency.set(hKey, h);
    }
    for (let i = 0; i < buckets.length; i++) if (seconds <= (buckets[i] as number)) (h.counts[i] as number)++;
    h.sum += seconds;
    h.count++;
  }

  /** Registers a gauge read at scrape time, e.g. the outbox depth. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    this.gauges.set(name, { help, read });
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    lines.push("# HELP desktrust_http_requests_total HTTP requests by route and status.");
    lines.push("# TYPE desktrust_http_requests_total counter");
    for (const [labels, value] of this.requests) lines.push(`desktrust_http_requests_total{${labels}} ${value}`);
    lines.push("# HELP desktrust_http_request_duration_seconds HTTP request latency by route.");
    lines.push("# TYPE desktrust_http_request_duration_seconds histogram");
    for (const [labels, h] of this.latency) {
      buckets.forEach((le, i) => {
        lines.push(`desktrust_http_request_duration_seconds_bucket{${labels},le="${le}"} ${h.counts[i]}`);
      });
      lines.push(`desktrust_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`desktrust_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`desktrust_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    const mem = process.memoryUsage();
    lines.push("# HELP process_resident_memory_bytes Resident memory size in bytes.");
    lines.push("# TYPE process_resident_memory_bytes gauge");
    lines.push(`process_resident_memory_bytes ${mem.rss}`);
    lines.push("# HELP process_heap_bytes JavaScript heap in use, in bytes.");
    lines.push("# TYPE process_heap_bytes gauge");
    lines.push(`process_heap_bytes ${mem.heapUsed}`);
    for (const [name, g] of this.gauges) {
      lines.push(`# HELP ${name} ${g.help}`);
      lines.push(`# TYPE ${name} gauge`);
      lines.push(`${name} ${sampleValue(await g.read())}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (ch) => (ch === "\n" ? "\\n" : `\\${ch}`));
}

/** Prometheus spells infinities `+Inf`/`-Inf`. */
function sampleValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
