#!/usr/bin/env node
/**
 * @module cli/main
 * The `kpath` executable: parse, run, and map failures onto exit codes (see errors.ts).
 */
import { CommanderError } from '@commander-js/extra-typings'
import { EXIT_BAD_INPUT, reportError } from './errors.js'
import { createProgram } from './program.js'

async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv])
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with a CommanderError too, but successfully.
      return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT
    }
    return reportError(e)
  }
}

main(process.argv).then((code) => {
  process.exitCode = code
})
