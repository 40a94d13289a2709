/**
 * Paths into ../shared, which CI places beside the clone. Tests read the specification from
 * there and never copy it into the project.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

export const REPO_ROOT = resolve(here, '..', '..')
export const SHARED = resolve(REPO_ROOT, '..', 'shared')
export const KUBE_PROXY_CONFORMANCE = join(SHARED, 'conformance', 'kube-proxy')

export function requireShared(): void {
  if (!existsSync(KUBE_PROXY_CONFORMANCE)) {
    throw new Error(
      `../shared is missing: expected ${KUBE_PROXY_CONFORMANCE} beside the repository`,
    )
  }
}
