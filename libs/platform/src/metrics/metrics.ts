/**
 * A small Prometheus registry: counters with labels, rendered in the text exposition format.
 * Enough for what the services count today; no client library needed.
 */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  counter(name: string, help: string): (labels?: Record<string, string>, by?: number) => void {
    const counter = this.counters.get(name) ?? { help, values: new Map<string, number>() };
    this.counters.set(name, counter);
    return (labels = {}, by = 1) => {
      const key = Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      counter.values.set(key, (counter.values.get(key) ?? 0) + by);
    };
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      if (values.size === 0) lines.push(`${name} 0`);
      for (const [labels, value] of values) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
