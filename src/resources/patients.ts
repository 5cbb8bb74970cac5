/**
 * Patients: PDS registration (two outcomes), registration without PDS, look-up and search.
 */
import type { HeroRawClient } from '../raw-client-types.js';
import { mapHeroPromise, type HeroPromise } from '../observability/hero-promise.js';
import { HeroNotFoundError } from '../errors.js';
import { createPaginate } from '../paginate.js';
import type { AutoPaginated, PageOptions } from '../auto-paginate.js';
import { toPdsRegistrationResult, type PdsRegistrationResult } from '../pds-result.js';
import { normalizeRegisterPdsInput, type RegisterPdsInput } from '../validation/pds-input.js';
import { callInit, expectData, wireQuery, optionsObject, type CallOptions, type MutationOptions } from './request.js';
import type { QueryParams, RequestBody, SuccessBody } from './types.js';

/** Filters of the v3 patient search (at least one is required by Hero). */
export type PatientSearchFilters = Omit<QueryParams<'listPatientsV3'>, 'page_index' | 'page_size'>;

/** Options of {@link PatientsResource.registerPds}. */
export interface RegisterPdsOptions extends MutationOptions {
  /** Today's date for the "date of birth is not in the future" check (tests). @default new Date() */
  today?: Date;
}

/** `hero.patients`. */
export interface PatientsResource {
  /**
   * Traces a patient on the NHS Spine (PDS) and returns their Hero patient ID, or tells you
   * the patient must verify their identity first. Input is checked before anything is sent
   * (NHS number check digit, date of birth, postcode): bad input throws `HeroInputError`.
   * No PDS match throws `HeroNotFoundError`.
   */
  registerPds(input: RegisterPdsInput, options?: RegisterPdsOptions): HeroPromise<PdsRegistrationResult>;
  /** Registers or updates a patient from full demographics, without a PDS trace. */
  register(body: RequestBody<'registerPatient'>, options?: MutationOptions): HeroPromise<SuccessBody<'registerPatient'>>;
  /** Gets a patient by Hero ID. */
  get(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getPatientById'>>;
  /** One page of the v3 patient search. */
  search(filters: QueryParams<'listPatientsV3'>, options?: CallOptions): HeroPromise<SuccessBody<'listPatientsV3'>>;
  /** Every patient matching the filters, fetched page by page as you iterate. */
  searchAll(filters: PatientSearchFilters, options?: PageOptions & CallOptions): AutoPaginated<SuccessBody<'listPatientsV3'>['data'][number]>;
  /** The v1 list: one `field` searched for one `search` term. */
  list(query?: QueryParams<'listPatients'>, options?: CallOptions): HeroPromise<SuccessBody<'listPatients'>>;
}

/** Builds `hero.patients` over the typed client. */
export function createPatientsResource(raw: HeroRawClient): PatientsResource {
  const paginate = createPaginate(raw);
  return {
    registerPds(input, options) {
      return mapHeroPromise(
        () => {
          const body = normalizeRegisterPdsInput(input, options?.today !== undefined ? { today: options.today } : {});
          return expectData('registerPatientPds', () => raw.POST('/v1/patients/register_pds', { body, ...callInit(options, ['today']) }));
        },
        (settled) => {
          const result = toPdsRegistrationResult(settled.value);
          return { value: result, data: result, meta: settled.meta };
        },
        (error) =>
          // Hero's 404 here means "no PDS match", not "no such endpoint": say so, keeping every detail.
          error instanceof HeroNotFoundError
            ? new HeroNotFoundError({
                ...error,
                headers: error.headers,
                message: `POST /v1/patients/register_pds (registerPatientPds): no PDS match was found for those details (404). Check the NHS number, or the names and postcode, and the date of birth.`,
                cause: error,
              })
            : error,
      );
    },
    register: (body, options) => expectData('registerPatient', () => raw.POST('/v1/patients/register', { body, ...callInit(options) })),
    get: (id, options) => expectData('getPatientById', () => raw.GET('/v1/patients/{id}', { params: { path: { id } }, ...callInit(options) })),
    search: (filters, options) => expectData('listPatientsV3', () => raw.GET('/v3/patients', { params: { query: wireQuery(filters, true) }, ...callInit(options) })),
    searchAll: (filters, options) => paginate('/v3/patients', { ...optionsObject(options, 'page options'), params: { query: wireQuery(filters, true) } }),
    list: (query, options) => expectData('listPatients', () => raw.GET('/v1/patients', { params: { query: wireQuery(query) }, ...callInit(options) })),
  };
}
