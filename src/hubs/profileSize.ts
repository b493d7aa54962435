// Reads a server size from a KubeSpawner profile's display text ("4 CPU, 32 GB", "~2 CPU, ~8 GB RAM",
// "CPU: 4 · Memory: 16 GiB"), so a server started with a profile can be priced when its user_options carry no size.
// Hubs write these freely; anything not matched stays unknown rather than guessed.

export interface ProfileSize {
  cores?: number;
  /** GiB; hubs write "GB" loosely for GiB (Kubernetes "Gi"), so GB and GiB are read alike. */
  memoryGiB?: number;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const APPROX = String.raw`(?:~|≈|about\s+|up\s+to\s+)?`;
const CORES_AFTER = new RegExp(String.raw`${APPROX}${NUMBER}\s*(?:v?CPUs?|vCPUs?|cores?)\b`, 'i');
const CORES_BEFORE = new RegExp(String.raw`\b(?:v?CPUs?|cores?)\s*[:=]\s*${APPROX}${NUMBER}`, 'i');
const MEMORY_AFTER = new RegExp(String.raw`${APPROX}${NUMBER}\s*(TiB|TB|T|GiB|GB|Gi|G|MiB|MB|Mi|M)\b(?!\s*(?:GPU|disk|storage|SSD))`, 'i');
const MEMORY_BEFORE = new RegExp(String.raw`\b(?:RAM|memory|mem)\s*[:=]\s*${APPROX}${NUMBER}\s*(TiB|TB|T|GiB|GB|Gi|G|MiB|MB|Mi|M)\b`, 'i');

function toGiB(value: number, unit: string): number {
  const u = unit.toUpperCase();
  if (u.startsWith('T')) return value * 1024;
  if (u.startsWith('M')) return value / 1024;
  return value;
}

/** The size the text names, or undefined when it names neither cores nor memory. */
export function profileSizeFromText(text: string): ProfileSize | undefined {
  const size: ProfileSize = {};
  const cores = CORES_BEFORE.exec(text) ?? CORES_AFTER.exec(text);
  if (cores) size.cores = Number(cores[1]);
  const memory = MEMORY_BEFORE.exec(text) ?? MEMORY_AFTER.exec(text);
  if (memory) size.memoryGiB = toGiB(Number(memory[1]), memory[2]!);
  const ok = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n > 0);
  if (!ok(size.cores)) delete size.cores;
  if (!ok(size.memoryGiB)) delete size.memoryGiB;
  return size.cores === undefined && size.memoryGiB === undefined ? undefined : size;
}
