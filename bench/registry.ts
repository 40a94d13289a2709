/**
 * @module bench/registry
 * Finds the benchmarks: every `bench/cases/*.ts` (tests excluded) whose default export is a
 * {@link Benchmark}. A file that cannot be imported, typically because the module it measures
 * is not written yet, becomes an "unavailable" entry with the reason instead of failing the run.
 */
import { readdir } from 'node:fs/promises'
import type { Benchmark } from './case.js'

export type LoadedCase =
  | { readonly kind: 'ready'; readonly file: string; readonly benchmark: Benchmark }
  | {
      readonly kind: 'unavailable'
      readonly file: string
      readonly name: string
      readonly reason: string
    }

export const CASES_DIR = new URL('./cases/', import.meta.url)

/** The cases in file-name order. */
export async function loadCases(dir: URL = CASES_DIR): Promise<LoadedCase[]> {
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort()
  const out: LoadedCase[] = []
  for (const file of files) out.push(await loadCase(dir, file))
  return out
}

async function loadCase(dir: URL, file: string): Promise<LoadedCase> {
  const name = file.replace(/\.ts$/, '')
  let mod: unknown
  try {
    mod = await import(new URL(file, dir).href)
  } catch (e) {
    return { kind: 'unavailable', file, name, reason: `import failed: ${firstLine(e)}` }
  }
  const candidate =
    typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined
  if (!isBenchmark(candidate)) {
    return {
      kind: 'unavailable',
      file,
      name,
      reason: 'no default export of a Benchmark ({name, target, run})',
    }
  }
  return { kind: 'ready', file, benchmark: candidate }
}

function isBenchmark(v: unknown): v is Benchmark {
  if (typeof v !== 'object' || v === null) return false
  const b = v as Partial<Record<keyof Benchmark, unknown>>
  return (
    typeof b.name === 'string' &&
    typeof b.run === 'function' &&
    typeof b.target === 'object' &&
    b.target !== null
  )
}

/** The first line of an error's message: module-resolution errors carry a long stack. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return text.split('\n')[0] ?? text
}
