/**
 * @module adapters/node/dump-dir
 * A node dump (docs/DUMP.md) read into memory, every file by name: from its folder, or from the
 * tarball the collect script writes beside it (`….tar.gz`; a plain `.tar` too). gunzip is
 * node:zlib's; the tar format is read by core/dump/archive.ts.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { dumpFilesFromTar } from '../../core/dump/archive.js'
import { KpathError } from '../../core/errors.js'

/** gzip's magic bytes (RFC 1952 §2.3.1: ID1 ID2). */
function isGzip(b: Uint8Array): boolean {
  return b[0] === 0x1f && b[1] === 0x8b
}

async function readArchive(path: string): Promise<Map<string, string>> {
  const raw = new Uint8Array(await readFile(path))
  let tar = raw
  if (isGzip(raw))
    try {
      tar = new Uint8Array(gunzipSync(raw))
    } catch (e) {
      throw new KpathError('KPATH_IO', `${path}: not a valid gzip file (${(e as Error).message})`, {
        hint: 'is the tarball complete? Check it with: tar -tzf FILE',
        cause: e,
      })
    }
  return new Map(dumpFilesFromTar(tar, path))
}

export async function readDumpDir(path: string): Promise<Map<string, string>> {
  const info = await stat(path).catch(() => undefined)
  if (info?.isFile()) return readArchive(path)
  if (info === undefined || !info.isDirectory())
    throw new KpathError('KPATH_IO', `${path} is not a dump folder or tarball`, {
      hint: 'pass the folder or the .tar.gz kpath collect wrote',
    })
  const out = new Map<string, string>()
  for (const name of (await readdir(path)).sort()) {
    const file = join(path, name)
    if ((await stat(file)).isFile()) out.set(name, await readFile(file, 'utf8'))
  }
  return out
}
