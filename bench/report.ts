/** Medians of rounds, and the table printed after a run. */
import type { Measurement } from './load.js';

export interface ScenarioResult {
  scenario: string;
  target: string;
  runs: Measurement[];
  median: Measurement;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of each figure across rounds; errors are summed and the peak memory is the highest seen. */
export function summarize(runs: Measurement[]): Measurement {
  const of = (pick: (m: Measurement) => number | undefined) => {
    const values = runs.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  const redisPerOp = of((m) => m.redisPerOp);
  const redisCpuMs = of((m) => m.redisCpuMs);
  const firstProblem = runs.find((m) => m.firstProblem)?.firstProblem;
  return {
    rate: of((m) => m.rate)!,
    p50: of((m) => m.p50)!,
    p99: of((m) => m.p99)!,
    errors: runs.reduce((a, m) => a + m.errors, 0),
    operations: runs.reduce((a, m) => a + m.operations, 0),
    ...(redisPerOp !== undefined ? { redisPerOp } : {}),
    ...(redisCpuMs !== undefined ? { redisCpuMs } : {}),
    peakRssMiB: Math.max(...runs.map((m) => m.peakRssMiB)),
    serverCpuMs: of((m) => m.serverCpuMs)!,
    clientCpuMs: of((m) => m.clientCpuMs)!,
    ...(firstProblem ? { firstProblem } : {}),
  };
}

const pad = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

export function formatTable(result: unknown): string {
  const r = result as { results?: ScenarioResult[]; ratios?: Record<string, number>; rounds?: Record<string, number[]>; soak?: unknown; memory?: unknown };
  if (!r.results) return JSON.stringify(r.soak ?? r.memory, null, 2);
  const header = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'redis cmds/op', 'peak MiB', 'CPU ms/op: server', 'redis', 'bench'];
  const rows = r.results.map(({ scenario, target, median: m }) => [
    scenario,
    target,
    m.rate.toFixed(1),
    String(m.p50),
    String(m.p99),
    String(m.errors),
    m.redisPerOp?.toFixed(2) ?? '-',
    m.peakRssMiB.toFixed(0),
    m.serverCpuMs.toFixed(3),
    m.redisCpuMs?.toFixed(3) ?? '-',
    m.clientCpuMs.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const lines = [pad(header, widths), ...rows.map((row) => pad(row, widths)), ''];
  // The median of the rounds, then each round's own figure.
  for (const [name, value] of Object.entries(r.ratios ?? {})) {
    const rounds = r.rounds?.[name] ?? [];
    lines.push(`${value.toString().padStart(8)}  ${name}${rounds.length > 1 ? `  [rounds ${rounds.join(', ')}]` : ''}`);
  }
  return lines.join('\n');
}
