/** The names closest to `wanted`, for "did you mean" in input errors. */
export function nearMatches(wanted: string, candidates: string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  return [...new Set(candidates)]
    .map((name) => ({ name, score: distance(w, name.toLowerCase()) - (name.toLowerCase().includes(w) || w.includes(name.toLowerCase()) ? 3 : 0) }))
    .filter((c) => c.score <= Math.max(3, Math.floor(w.length / 2)))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((c) => c.name);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
