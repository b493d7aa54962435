// `npm run bundle-report`: what dist/extension.js (release build) and its feature chunks hold, and where a lazy import
// would save most: for each module, the bytes only it brings in (the modules it dominates in the import graph).
import { buildExtensionBundles, MAIN_STDIN } from './extensionBundles.mjs';

const CAP = 400 * 1024;
const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
const top = Number(process.argv[2] ?? 40);
const report = await buildExtensionBundles({ production: true, write: false });

console.log(`dist/extension.js ${kb(report.main.bytes)} (cap ${kb(CAP)}${report.main.bytes < CAP ? '' : ' — OVER'})`);
for (const [name, c] of Object.entries(report.chunks)) console.log(`dist/chunks/${name}.js ${kb(c.bytes)}  (${c.inputs.size} modules)`);
console.log(`modules the chunks take from the extension: ${report.hostModules.length}`);

console.log(`\nBiggest modules of dist/extension.js, and the bytes each alone brings in (what loading it lazily would save):`);
const size = Object.fromEntries(report.main.inputs);
const graph = Object.fromEntries(Object.entries(report.main.metafile.inputs).map(([k, v]) => [k, v.imports.filter((i) => i.path in size).map((i) => i.path)]));
graph[MAIN_STDIN] = report.main.metafile.inputs[MAIN_STDIN].imports.map((i) => i.path).filter((p) => p in size);
const dominated = dominatedBytes(graph, MAIN_STDIN, size);
const importers = {};
for (const [k, imports] of Object.entries(graph)) for (const i of imports) (importers[i] ??= []).push(k);
for (const [k, bytes] of [...dominated].filter(([k]) => k !== MAIN_STDIN).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const by = importers[k] ?? [];
  console.log(`${kb(bytes)} ${kb(size[k] ?? 0)}  ${k}  ← ${by.length > 2 ? `${by.length} importers` : by.join(', ')}`);
}

/** Bytes of the modules each module dominates (every import path from the entry to them passes through it). */
function dominatedBytes(graph, entry, size) {
  const order = [];
  const seen = new Set();
  const visit = (n) => { seen.add(n); for (const m of graph[n] ?? []) if (!seen.has(m)) visit(m); order.push(n); };
  visit(entry);
  order.reverse();
  const index = new Map(order.map((n, i) => [n, i]));
  const preds = {};
  for (const n of order) for (const m of graph[n] ?? []) (preds[m] ??= []).push(n);
  const idom = new Map([[entry, entry]]);
  const meet = (a, b) => {
    while (a !== b) {
      while (index.get(a) > index.get(b)) a = idom.get(a);
      while (index.get(b) > index.get(a)) b = idom.get(b);
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const n of order.slice(1)) {
      let d;
      for (const p of preds[n] ?? []) if (idom.has(p)) d = d === undefined ? p : meet(p, d);
      if (idom.get(n) !== d) { idom.set(n, d); changed = true; }
    }
  }
  const total = new Map();
  for (const n of [...order].reverse()) {
    total.set(n, (total.get(n) ?? 0) + (size[n] ?? 0));
    if (n !== entry) total.set(idom.get(n), (total.get(idom.get(n)) ?? 0) + total.get(n));
  }
  return total;
}
