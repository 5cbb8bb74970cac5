// Generated from openapi/hero-public-api.yaml by scripts/generate.ts. Do not edit by hand:
// change the spec and run `npm run generate` (CI fails when this file is stale).

/**
 * Request fields that carry a patient identifier, found by wire name (nhs_number, dob,
 * date_of_birth, postcode…) in every query and JSON body of the spec. The client checks
 * each before sending (src/validation/patient-identifiers.ts).
 */
export const patientFields = [
  {"operationId":"registerPatientPds","in":"body","path":["nhs_number"],"kind":"nhs_number","nullable":false},
  {"operationId":"registerPatientPds","in":"body","path":["dob"],"kind":"date_of_birth","format":"date","nullable":true},
  {"operationId":"registerPatientPds","in":"body","path":["postcode"],"kind":"postcode","nullable":false},
  {"operationId":"registerPatient","in":"body","path":["nhs_number"],"kind":"nhs_number","nullable":false},
  {"operationId":"registerPatient","in":"body","path":["dob"],"kind":"date_of_birth","nullable":false},
  {"operationId":"registerPatient","in":"body","path":["postcode"],"kind":"postcode","nullable":false},
  {"operationId":"listPatientsV3","in":"query","path":["dob"],"kind":"date_of_birth","format":"date","nullable":false},
  {"operationId":"listPatientsV3","in":"query","path":["nhs_number"],"kind":"nhs_number","nullable":false},
  {"operationId":"updatePracticeGroup","in":"body","path":["address","postcode"],"kind":"postcode","nullable":false},
  {"operationId":"createBatchMessage","in":"body","path":["recipients","[]","nhs_number"],"kind":"nhs_number","nullable":false},
  {"operationId":"createBatchMessage","in":"body","path":["recipients","[]","dob"],"kind":"date_of_birth","format":"date-time","nullable":true},
] as const;

/** Operations whose `field` query parameter names what `search` holds (Hero's v1/v2 patient lists). */
export const fieldSearchOperations = ["listPatients","listPatientsV2"] as const;
