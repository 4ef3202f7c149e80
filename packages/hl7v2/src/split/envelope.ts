/** Something wrong with an envelope; the splitter locates it. */
export interface EnvelopeProblem {
  readonly kind: 'truncated_batch' | 'invalid_batch'
  readonly detail: string
  /** The envelope segment at fault, when there is one. */
  readonly excerpt?: string
}

/** The envelope segments of a batch file: FHS … [BHS … messages … BTS]… FTS. */
export type EnvelopeSegment = 'FHS' | 'BHS' | 'BTS' | 'FTS'

/** Field 1 of a BTS or FTS line (the message or batch count), undefined when empty. */
function countField(line: string, separator: string): string | undefined {
  const value = line.split(separator)[1]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/**
 * Checks batch envelopes as their segments go by: BHS opens a batch and BTS closes it (BTS-1
 * counts its messages), FHS opens a file and FTS closes it (FTS-1 counts its batches). A
 * trailer whose count is larger than what was seen, or a missing trailer, means the batch was
 * cut short (`truncated_batch`); a smaller count or a trailer without its header is
 * `invalid_batch`. Counts are checked only where the sender filled them in.
 */
export class EnvelopeTracker {
  #separator = '|'
  #batch: { start: number; messages: number } | undefined
  #file: { start: number; batches: number } | undefined
  /** Whether messages currently sit inside a batch (BHS seen, BTS not yet). */
  get inBatch(): boolean {
    return this.#batch !== undefined
  }

  /** Counts a message (or a bad unit in its place) toward the open batch. */
  countMessage(): void {
    if (this.#batch) this.#batch.messages++
  }

  /** Handles one envelope line; `last` is the index of the last unit so far. Returns the problems found. */
  segment(type: EnvelopeSegment, line: string, last: number): EnvelopeProblem[] {
    const errors: EnvelopeProblem[] = []
    const fail = (kind: EnvelopeProblem['kind'], detail: string) => errors.push({ kind, detail, excerpt: line })
    switch (type) {
      case 'FHS':
        if (this.#file)
          fail(
            'truncated_batch',
            `FHS after message ${last} opens a file while the file header opened after message ${this.#file.start} has no FTS`,
          )
        this.#separator = line[3] ?? '|'
        this.#file = { start: last, batches: 0 }
        break
      case 'BHS':
        if (this.#batch)
          fail(
            'truncated_batch',
            `BHS after message ${last} opens a batch while the batch opened after message ${this.#batch.start} has no BTS`,
          )
        if (!this.#file) this.#separator = line[3] ?? '|'
        this.#batch = { start: last, messages: 0 }
        break
      case 'BTS': {
        const batch = this.#batch
        if (!batch) {
          fail('invalid_batch', `BTS after message ${last} closes a batch that no BHS opened`)
          break
        }
        this.#batch = undefined
        if (this.#file) this.#file.batches++
        this.#checkCount(
          countField(line, this.#separator),
          batch.messages,
          'BTS-1 (batch message count)',
          'messages',
          fail,
        )
        break
      }
      case 'FTS': {
        if (this.#batch) {
          fail(
            'truncated_batch',
            `FTS after message ${last} closes the file while the batch opened after message ${this.#batch.start} has no BTS`,
          )
          this.#batch = undefined
          if (this.#file) this.#file.batches++
        }
        const file = this.#file
        if (!file) {
          fail('invalid_batch', `FTS after message ${last} closes a file that no FHS opened`)
          break
        }
        this.#file = undefined
        this.#checkCount(countField(line, this.#separator), file.batches, 'FTS-1 (file batch count)', 'batches', fail)
        break
      }
    }
    return errors
  }

  /** Problems left at the end of the input: a batch or file never closed. */
  end(last: number): EnvelopeProblem[] {
    const errors: EnvelopeProblem[] = []
    if (this.#batch) {
      const detail = `the input ends after message ${last} inside the batch opened after message ${this.#batch.start} (BHS without BTS)`
      errors.push({ kind: 'truncated_batch', detail })
    }
    if (this.#file) {
      const detail = `the input ends after message ${last} inside the file opened after message ${this.#file.start} (FHS without FTS)`
      errors.push({ kind: 'truncated_batch', detail })
    }
    this.#batch = undefined
    this.#file = undefined
    return errors
  }

  #checkCount(
    declared: string | undefined,
    seen: number,
    field: string,
    noun: string,
    fail: (kind: EnvelopeProblem['kind'], detail: string) => void,
  ): void {
    if (declared === undefined) return
    if (!/^\d+$/.test(declared)) {
      fail('invalid_batch', `${field} should be a count, found ${JSON.stringify(declared)}`)
      return
    }
    const expected = Number(declared)
    if (expected > seen) fail('truncated_batch', `${field} says ${expected} ${noun}, only ${seen} arrived`)
    else if (expected < seen) fail('invalid_batch', `${field} says ${expected} ${noun}, ${seen} arrived`)
  }
}
