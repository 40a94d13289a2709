/**
 * @module core/whatif
 * What-if edits for `kpath trace` and `kpath explain` (README.md beside this file): parse the
 * options (`--set`, `--add-route`, `--add-rule`, `--patch`), apply them (`applyEdits`), and write
 * them back as options (`formatEdit`).
 */
export { applyEdits, applyNetnsEdits, type EditedInputs } from './apply.js'
export { formatEdit, formatFieldPath } from './format.js'
export { mergePatch } from './merge-patch.js'
export { applyObjectEdits } from './objects.js'
export { parseRouteEdit, parseRuleEdit, parseSetEdit } from './parse.js'
export { parsePatchFile } from './patch-file.js'
export { addRoute, parseRouteArgs } from './route.js'
export { applyRule } from './rule.js'
export { writeSysctl } from './sysctl.js'
export { parseNetnsTarget, parseObjectTarget } from './targets.js'
export type {
  EditSource,
  NetnsEdit,
  NetnsTarget,
  ObjectEdit,
  ObjectTarget,
  WhatIfEdit,
} from './types.js'
