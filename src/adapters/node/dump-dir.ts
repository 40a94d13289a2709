/**
 * @module adapters/node/dump-dir
 * A node dump folder (docs/DUMP.md) read into memory: every regular file by name. A tarball
 * is not opened here: unpack it first (`tar -xzf kpath-dump-….tar.gz`).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { KpathError } from '../../core/errors.js'

export async function readDumpDir(path: string): Promise<Map<string, string>> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined || !info.isDirectory())
    throw new KpathError('KPATH_IO', `${path} is not a dump folder`, {
      hint: path.endsWith('.tar.gz')
        ? `unpack it first: tar -xzf ${path}`
        : 'pass the folder kpath collect wrote',
    })
  const out = new Map<string, string>()
  for (const name of (await readdir(path)).sort()) {
    const file = join(path, name)
    if ((await stat(file)).isFile()) out.set(name, await readFile(file, 'utf8'))
  }
  return out
}
