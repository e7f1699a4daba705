/** The source tree keeps its layers (.dependency-cruiser.cjs): no upward import, no module cycle, no folder cycle. */
import { describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const rules = require('../../.dependency-cruiser.cjs') as { forbidden: unknown[]; options: Record<string, unknown> };

/** A folder of src/ (or a top-level file) as one node: the unit the folder-cycle rule speaks of. */
const nodeOf = (path: string) => path.replace(/^src\//, '').split('/')[0]!.replace(/\.c?ts$/, '');

/** The strongly connected groups of more than one node (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the layer rule', () => {
  let result: ICruiseResult;

  test('src/ has no upward import, no module cycle, and every module in a layer', async () => {
    result = (await cruise(['src'], { validate: true, ruleSet: { forbidden: rules.forbidden }, ...rules.options } as never)).output as ICruiseResult;
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
    expect(result.modules.filter((m) => m.source.startsWith('src/')).length).toBeGreaterThan(100);
  }, 120_000);

  test('no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const module of result.modules.filter((m) => m.source.startsWith('src/'))) {
      const from = nodeOf(module.source);
      for (const dep of module.dependencies.filter((d) => d.resolved.startsWith('src/'))) {
        const to = nodeOf(dep.resolved);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(cycles(edges)).toEqual([]);
  });
});
