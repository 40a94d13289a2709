/**
 * The core must run in a browser: bundle src/public/core.ts for the browser platform. esbuild
 * fails on any `node:` import (and on Node built-ins), so a stray I/O import in src/core fails
 * this test. The bundle is then evaluated with no Node globals in reach of its module scope.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './support/shared.js'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) return n === 'testdata' ? [] : sources(p)
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : []
  })
}

describe('the core is browser-safe', () => {
  it('bundles for the browser platform with no Node built-ins', async () => {
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'src/public/core.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    })
    expect(result.errors).toEqual([])
    const code = result.outputFiles[0]?.text ?? ''
    expect(code.length).toBeGreaterThan(10_000)
    expect(code).not.toMatch(/from ["']node:/)
  })

  it('no file under src/core imports a Node module or touches process', () => {
    const offenders = sources(join(REPO_ROOT, 'src/core')).filter((f) => {
      const text = readFileSync(f, 'utf8')
      return (
        /from ['"](node:|fs|path|child_process|os)['"]/.test(text) ||
        /\bprocess\.(env|argv|exit|stdout)/.test(text)
      )
    })
    expect(offenders).toEqual([])
  })
})
