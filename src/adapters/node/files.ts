/**
 * @module adapters/node/files
 * Reading the user's input files, with errors that name the file and say what to do.
 */
import { readFile } from 'node:fs/promises'
import { KpathError } from '../../core/errors.js'

export interface TextInput {
  readonly text: string
  readonly file: string
}

export async function readTextInput(path: string, what: string): Promise<TextInput> {
  try {
    return { text: await readFile(path, 'utf8'), file: path }
  } catch (e) {
    const code = (e as { code?: string }).code
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : String((e as Error).message)
    throw new KpathError('KPATH_IO', `cannot read ${what} ${path}: ${reason}`, {
      hint: `pass the path of a file holding ${what}`,
      cause: e,
    })
  }
}
