import type { Coding, Observation, ObservationComponent, Quantity } from 'fhir/r4.js';
import type { ExportReading } from './export-store.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** The system of the identifier a subject reference carries: trialgraph's subject numbers, unique across studies (they begin with the study code). */
export const SUBJECT_NUMBER_SYSTEM = 'urn:trialgraph:subject-number';

/** One measure as the HL7 vital-signs profile codes it: its LOINC code(s), UCUM unit, and the profile it conforms to. */
interface VitalSignProfile {
  /** Part of the Observation id, after the reading's id: short, [A-Za-z0-9.-] as FHIR ids require. */
  idSuffix: string;
  profile: string;
  coding: Coding[];
  text: string;
}

interface QuantityUnit {
  unit: string;
  code: string;
}

const PER_MINUTE: QuantityUnit = { unit: '/min', code: '/min' };
const MILLIMETRES_OF_MERCURY: QuantityUnit = { unit: 'mm[Hg]', code: 'mm[Hg]' };

const HEART_RATE: VitalSignProfile & QuantityUnit = {
  idSuffix: 'hr',
  profile: 'http://hl7.org/fhir/StructureDefinition/heartrate',
  coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }],
  text: 'Heart rate',
  ...PER_MINUTE,
};
const BLOOD_PRESSURE: VitalSignProfile = {
  idSuffix: 'bp',
  profile: 'http://hl7.org/fhir/StructureDefinition/bp',
  coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }],
  text: 'Blood pressure',
};
const SYSTOLIC: Coding = { system: LOINC, code: '8480-6', display: 'Systolic blood pressure' };
const DIASTOLIC: Coding = { system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' };
const BODY_TEMPERATURE: VitalSignProfile & QuantityUnit = {
  idSuffix: 'temp',
  profile: 'http://hl7.org/fhir/StructureDefinition/bodytemp',
  coding: [{ system: LOINC, code: '8310-5', display: 'Body temperature' }],
  text: 'Body temperature',
  unit: 'Cel',
  code: 'Cel',
};
const RESPIRATORY_RATE: VitalSignProfile & QuantityUnit = {
  idSuffix: 'rr',
  profile: 'http://hl7.org/fhir/StructureDefinition/resprate',
  coding: [{ system: LOINC, code: '9279-1', display: 'Respiratory rate' }],
  text: 'Respiratory rate',
  ...PER_MINUTE,
};
const OXYGEN_SATURATION: VitalSignProfile & QuantityUnit = {
  idSuffix: 'spo2',
  profile: 'http://hl7.org/fhir/StructureDefinition/oxygensat',
  // The profile fixes 2708-6; 59408-5 says it was measured by pulse oximetry.
  coding: [
    { system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
    { system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
  ],
  text: 'Oxygen saturation',
  unit: '%',
  code: '%',
};

function quantity(value: number, unit: QuantityUnit): Quantity {
  return { value, unit: unit.unit, system: UCUM, code: unit.code };
}

/** The FHIR R4 vital-signs Observations of one reading: one per measure it has, blood pressure as one panel with its two components. */
export function fhirObservationsOf(reading: ExportReading, subjectNumber: string): Observation[] {
  const observation = (profile: VitalSignProfile, value: Partial<Pick<Observation, 'valueQuantity' | 'component'>>): Observation => ({
    resourceType: 'Observation',
    id: `${reading.id}-${profile.idSuffix}`,
    meta: { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns', profile.profile] },
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' }],
    code: { coding: profile.coding, text: profile.text },
    subject: { identifier: { system: SUBJECT_NUMBER_SYSTEM, value: subjectNumber }, display: subjectNumber },
    effectiveDateTime: reading.recordedAt.toISOString(),
    ...value,
  });
  const observations: Observation[] = [];
  if (reading.heartRate !== null) observations.push(observation(HEART_RATE, { valueQuantity: quantity(reading.heartRate, HEART_RATE) }));
  if (reading.systolic !== null || reading.diastolic !== null) {
    const component: ObservationComponent[] = [];
    if (reading.systolic !== null) component.push({ code: { coding: [SYSTOLIC] }, valueQuantity: quantity(reading.systolic, MILLIMETRES_OF_MERCURY) });
    if (reading.diastolic !== null) component.push({ code: { coding: [DIASTOLIC] }, valueQuantity: quantity(reading.diastolic, MILLIMETRES_OF_MERCURY) });
    observations.push(observation(BLOOD_PRESSURE, { component }));
  }
  if (reading.temperature !== null)
    observations.push(observation(BODY_TEMPERATURE, { valueQuantity: quantity(Number(reading.temperature), BODY_TEMPERATURE) }));
  if (reading.respiratoryRate !== null)
    observations.push(observation(RESPIRATORY_RATE, { valueQuantity: quantity(reading.respiratoryRate, RESPIRATORY_RATE) }));
  if (reading.spo2 !== null) observations.push(observation(OXYGEN_SATURATION, { valueQuantity: quantity(reading.spo2, OXYGEN_SATURATION) }));
  return observations;
}
