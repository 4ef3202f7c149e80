/**
 * HL7 v2 composite data types as struct layouts: each struct field names the component (and
 * subcomponent) it is read from, as the HL7 v2.9 data type definitions number them.
 * Components whose HL7 type is itself composite are read at their first subcomponent, or
 * spread over several struct fields (`assigning_authority`, `…_universal_id`, `…_type`).
 */

/** A struct field read from component `component` (and subcomponent `sub`) of a value. */
export interface LeafField {
  readonly name: string
  readonly component: number
  readonly sub?: number
  /** The value is an HL7 date/time, returned as ISO 8601 (see `hl7DateTime`). */
  readonly date?: true
}

/** A struct field that is itself a struct, read from the subcomponents of one component. */
export interface NestedField {
  readonly name: string
  readonly component: number
  /** Struct field names, by subcomponent (the first name reads subcomponent 1). */
  readonly subcomponents: readonly string[]
}

/** A composite type's layout. */
export interface Composite {
  /** The HL7 data type, e.g. `CWE`. */
  readonly type: string
  readonly fields: readonly (LeafField | NestedField)[]
}

/** Fields read one per component, from component `first` on, skipping `null` positions. */
function byComponent(names: readonly (string | null)[], first = 1): LeafField[] {
  return names.flatMap((name, index) => (name === null ? [] : [{ name, component: first + index }]))
}

/** Fields `prefix`, `prefix_universal_id`, `prefix_universal_id_type` from an HD inside component `component`. */
function hdIn(prefix: string, component: number): LeafField[] {
  return [
    { name: prefix, component, sub: 1 },
    { name: `${prefix}_universal_id`, component, sub: 2 },
    { name: `${prefix}_universal_id_type`, component, sub: 3 },
  ]
}

/** Fields `prefix`, `prefix_text`, `prefix_coding_system` from a CWE inside component `component`. */
function cweIn(prefix: string, component: number): LeafField[] {
  return [
    { name: prefix, component, sub: 1 },
    { name: `${prefix}_text`, component, sub: 2 },
    { name: `${prefix}_coding_system`, component, sub: 3 },
  ]
}

const CWE_NAMES = [
  'code',
  'text',
  'coding_system',
  'alt_code',
  'alt_text',
  'alt_coding_system',
  'coding_system_version',
  'alt_coding_system_version',
  'original_text',
] as const

/** Coded with exceptions (also CE, CNE). */
export const CWE: Composite = { type: 'CWE', fields: byComponent(CWE_NAMES) }

/** Hierarchic designator. */
export const HD: Composite = { type: 'HD', fields: byComponent(['namespace_id', 'universal_id', 'universal_id_type']) }

const EI_NAMES = ['entity_identifier', 'namespace_id', 'universal_id', 'universal_id_type'] as const

/** Entity identifier. */
export const EI: Composite = { type: 'EI', fields: byComponent(EI_NAMES) }

/** Entity identifier pair: each EI spread over the subcomponents of its component. */
export const EIP: Composite = {
  type: 'EIP',
  fields: [
    { name: 'placer_assigned_identifier', component: 1, subcomponents: EI_NAMES },
    { name: 'filler_assigned_identifier', component: 2, subcomponents: EI_NAMES },
  ],
}

/** Extended person name (XPN.10, name validity range, is withdrawn). */
export const XPN: Composite = {
  type: 'XPN',
  fields: byComponent([
    'family_name',
    'given_name',
    'middle_name',
    'suffix',
    'prefix',
    'degree',
    'name_type_code',
    'name_representation_code',
    'name_context',
    null,
    'name_assembly_order',
    'name_effective_date',
    'name_expiration_date',
    'professional_suffix',
    'called_by',
  ]),
}

/** Extended composite id number and name for persons. */
export const XCN: Composite = {
  type: 'XCN',
  fields: [
    ...byComponent(['id', 'family_name', 'given_name', 'middle_name', 'suffix', 'prefix', 'degree', 'source_table']),
    ...hdIn('assigning_authority', 9),
    ...byComponent(['name_type_code', 'check_digit', 'check_digit_scheme', 'identifier_type_code'], 10),
    ...hdIn('assigning_facility', 14),
    { name: 'name_representation_code', component: 15 },
    { name: 'name_assembly_order', component: 18 },
    { name: 'effective_date', component: 19 },
    { name: 'expiration_date', component: 20 },
    { name: 'professional_suffix', component: 21 },
  ],
}

/** Extended composite id with check digit. */
export const CX: Composite = {
  type: 'CX',
  fields: [
    ...byComponent(['id', 'check_digit', 'check_digit_scheme']),
    ...hdIn('assigning_authority', 4),
    { name: 'type_code', component: 5 },
    ...hdIn('assigning_facility', 6),
    ...byComponent(
      [
        'effective_date',
        'expiration_date',
        'assigning_jurisdiction',
        'assigning_agency',
        'security_check',
        'security_check_scheme',
      ],
      7,
    ),
  ],
}

/** Extended telecommunication number. */
export const XTN: Composite = {
  type: 'XTN',
  fields: [
    ...byComponent([
      'number',
      'use_code',
      'equipment_type',
      'communication_address',
      'country_code',
      'area_code',
      'local_number',
      'extension',
      'any_text',
      'extension_prefix',
      'speed_dial_code',
      'unformatted_number',
      'effective_start_date',
      'expiration_date',
    ]),
    { name: 'expiration_reason', component: 15, sub: 1 },
    { name: 'protection_code', component: 16, sub: 1 },
    { name: 'shared_telecom_id', component: 17, sub: 1 },
    { name: 'preference_order', component: 18 },
  ],
}

/** Extended address (XAD.12, address validity range, is withdrawn). */
export const XAD: Composite = {
  type: 'XAD',
  fields: [
    ...byComponent(['street', 'other_designation', 'city', 'state', 'zip', 'country', 'type', 'other_geographic']),
    ...cweIn('county_parish', 9).map((field, index) =>
      index === 0 ? { ...field, name: 'county_parish_code' } : field,
    ),
    ...cweIn('census_tract', 10),
    { name: 'representation_code', component: 11 },
    { name: 'effective_date', component: 13 },
    { name: 'expiration_date', component: 14 },
    ...cweIn('expiration_reason', 15),
    ...byComponent(
      ['temporary_indicator', 'bad_address_indicator', 'usage', 'addressee', 'comment', 'preference_order'],
      16,
    ),
    ...cweIn('protection_code', 22),
    { name: 'identifier', component: 23, sub: 1 },
  ],
}

/** Extended composite name and id for organizations. */
export const XON: Composite = {
  type: 'XON',
  fields: [
    ...byComponent(['name', 'type_code', 'id', 'check_digit', 'check_digit_scheme']),
    ...hdIn('assigning_authority', 6),
    { name: 'id_type_code', component: 7 },
    ...hdIn('assigning_facility', 8),
    { name: 'name_rep_code', component: 9 },
    { name: 'identifier', component: 10 },
  ],
}

/** Person location; HD and IS components read at their first subcomponent. */
export const PL: Composite = {
  type: 'PL',
  fields: [
    { name: 'point_of_care', component: 1, sub: 1 },
    { name: 'room', component: 2, sub: 1 },
    { name: 'bed', component: 3, sub: 1 },
    { name: 'facility', component: 4, sub: 1 },
    { name: 'status', component: 5 },
    { name: 'type', component: 6 },
    { name: 'building', component: 7, sub: 1 },
    { name: 'floor', component: 8, sub: 1 },
    { name: 'description', component: 9 },
    { name: 'comprehensive_id', component: 10, sub: 1 },
    { name: 'assigning_authority', component: 11, sub: 1 },
  ],
}

/** Composite price: an MO in component 1, a CWE (code, text, system) in component 5. */
export const CP: Composite = {
  type: 'CP',
  fields: [
    { name: 'price', component: 1, sub: 1 },
    { name: 'currency', component: 1, sub: 2 },
    ...byComponent(['price_type', 'from_value', 'to_value'], 2),
    ...cweIn('range_units', 5),
    { name: 'range_type', component: 6 },
  ],
}

/** Processing type. */
export const PT: Composite = { type: 'PT', fields: byComponent(['id', 'mode']) }

/** Version identifier: the version, then two CWEs. */
export const VID: Composite = {
  type: 'VID',
  fields: [{ name: 'id', component: 1 }, ...cweIn('internationalization', 2), ...cweIn('international_version', 3)],
}

/** Authorization information. */
export const AUI: Composite = {
  type: 'AUI',
  fields: [
    { name: 'number', component: 1 },
    { name: 'date', component: 2, date: true },
    { name: 'source', component: 3 },
  ],
}

/** Specimen source (withdrawn in v2.7, still sent). */
export const SPS: Composite = {
  type: 'SPS',
  fields: [
    { name: 'code', component: 1, sub: 1 },
    { name: 'text', component: 1, sub: 2 },
    { name: 'additives', component: 2, sub: 1 },
    { name: 'collection_method', component: 3 },
    { name: 'body_site', component: 4, sub: 1 },
    { name: 'site_modifier', component: 5, sub: 1 },
    { name: 'collection_method_modifier', component: 6, sub: 1 },
    { name: 'role', component: 7, sub: 1 },
  ],
}

/** Driver's license number. */
export const DLN: Composite = {
  type: 'DLN',
  fields: [
    { name: 'number', component: 1 },
    { name: 'issuing_state', component: 2 },
    { name: 'expiration_date', component: 3, date: true },
  ],
}

/** Discharge to location and date. */
export const DLD: Composite = {
  type: 'DLD',
  fields: [
    { name: 'code', component: 1, sub: 1 },
    { name: 'effective_date', component: 2, date: true },
  ],
}

/** Financial class: a CWE spread over component 1's subcomponents, then a date. */
export const FC: Composite = {
  type: 'FC',
  fields: [
    ...CWE_NAMES.map((name, index) => ({ name, component: 1, sub: index + 1 })),
    { name: 'effective_date', component: 2, date: true },
  ],
}

/** Timing/quantity (withdrawn, still sent in ORC-7 and OBR-27). */
export const TQ: Composite = {
  type: 'TQ',
  fields: [
    { name: 'quantity', component: 1, sub: 1 },
    { name: 'quantity_units', component: 1, sub: 2 },
    { name: 'interval_repeat_pattern', component: 2, sub: 1 },
    { name: 'interval_explicit_time', component: 2, sub: 2 },
    { name: 'duration', component: 3 },
    { name: 'start_datetime', component: 4, date: true },
    { name: 'end_datetime', component: 5, date: true },
    ...byComponent(['priority', 'condition', 'text', 'conjunction', 'order_sequencing'], 6),
    { name: 'occurrence_duration', component: 11, sub: 1 },
    { name: 'total_occurrences', component: 12 },
  ],
}

/** Job code/class: two CWEs and a description. */
export const JCC: Composite = {
  type: 'JCC',
  fields: [
    { name: 'code', component: 1, sub: 1 },
    { name: 'text', component: 1, sub: 2 },
    { name: 'coding_system', component: 1, sub: 3 },
    { name: 'class', component: 2, sub: 1 },
    { name: 'class_text', component: 2, sub: 2 },
    { name: 'class_coding_system', component: 2, sub: 3 },
    { name: 'description', component: 3 },
  ],
}

/** Money. */
export const MO: Composite = { type: 'MO', fields: byComponent(['amount', 'currency']) }

/** Money and charge code. */
export const MOC: Composite = {
  type: 'MOC',
  fields: [
    { name: 'monetary_amount', component: 1, sub: 1 },
    { name: 'monetary_amount_currency', component: 1, sub: 2 },
    ...cweIn('charge_code', 2),
  ],
}

/** Parent result link. */
export const PRL: Composite = {
  type: 'PRL',
  fields: [
    { name: 'code', component: 1, sub: 1 },
    { name: 'text', component: 1, sub: 2 },
    { name: 'coding_system', component: 1, sub: 3 },
    { name: 'sub_id', component: 2 },
    { name: 'descriptor', component: 3 },
  ],
}

/** Name with date and location: a CNN spread over component 1's subcomponents. */
export const NDL: Composite = {
  type: 'NDL',
  fields: [
    ...['id', 'family_name', 'given_name', 'middle_name', 'suffix', 'prefix', 'degree'].map((name, index) => ({
      name,
      component: 1,
      sub: index + 1,
    })),
    { name: 'start_datetime', component: 2, date: true },
    { name: 'end_datetime', component: 3, date: true },
    { name: 'point_of_care', component: 4 },
    { name: 'room', component: 5 },
    { name: 'bed', component: 6 },
    { name: 'facility', component: 7, sub: 1 },
    { name: 'location_status', component: 8 },
    { name: 'patient_location_type', component: 9 },
    { name: 'building', component: 10 },
    { name: 'floor', component: 11 },
  ],
}

/** Composite quantity with units. */
export const CQ: Composite = {
  type: 'CQ',
  fields: [
    { name: 'quantity', component: 1 },
    { name: 'units', component: 2, sub: 1 },
  ],
}

/** Observation grouper (OBX-4 from v2.8.2; component 1 holds the older sub-id). */
export const OG: Composite = { type: 'OG', fields: byComponent(['sub_identifier', 'group', 'sequence', 'identifier']) }
