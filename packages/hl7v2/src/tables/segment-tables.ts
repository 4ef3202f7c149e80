import type { Hl7Table } from './hl7-table.ts'
import { al1, dg1, iam, nte, obr, obx, orc, pr1, spm } from './segments-clinical.ts'
import { ft1, gt1, in1, rxa, sch, txa } from './segments-financial.ts'
import { evn, mrg, msh, nk1, pd1, pid, pv1, pv2 } from './segments-patient.ts'

// biome-ignore format: grouped as the Python connector lists them
/** The 23 typed segment tables, in the Python connector's order. */
export const SEGMENT_TABLES: readonly Hl7Table[] = [
  msh, evn, pid, pd1, pv1, pv2, nk1, mrg,
  al1, iam, dg1, pr1,
  orc, obr, obx, nte, spm,
  in1, gt1, ft1,
  rxa, sch, txa,
]
