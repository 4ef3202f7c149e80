const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$/

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

/**
 * An HL7 DTM/DT/TS value (`YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`) as an ISO-8601
 * date-time without a zone (`2024-01-15T12:30:00`), converted to UTC when the value carries
 * an offset. Missing parts take their lowest value; fractional seconds are kept as sent.
 * Returns undefined for an empty value or one that is not a valid date.
 * @example hl7DateTime('202401151230-0500') // '2024-01-15T17:30:00'
 */
export function hl7DateTime(value: string | undefined): string | undefined {
  if (!value) return undefined
  const match = DTM.exec(value.trim().replace(/^\(|\)$/g, ''))
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, fraction, zone] = match
  const parts = [year, month ?? '01', day ?? '01', hour ?? '00', minute ?? '00', second ?? '00'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const [y, mo, d, h, mi, s] = parts
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined
  let time = Date.UTC(y, mo - 1, d, h, mi, s)
  const check = new Date(time)
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined
  if (zone) {
    const sign = zone[0] === '-' ? -1 : 1
    const offsetHours = Number(zone.slice(1, 3))
    const offsetMinutes = Number(zone.slice(3, 5))
    if (offsetHours > 23 || offsetMinutes > 59) return undefined
    time -= sign * (offsetHours * 60 + offsetMinutes) * 60_000
  }
  const at = new Date(time)
  const base = `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}T${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`
  return fraction ? base + fraction : base
}
