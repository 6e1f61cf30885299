import { ApiError, type ApiErrorCode } from '../../../../shared/api/errors';
import { isImportError, type ImportErrorCode } from '../../contacts';
import { StagingError } from '../../files';
import { TestCallError } from '../../calls';

const importCodes: Record<ImportErrorCode, ApiErrorCode> = {
  unreadable: 'invalid_request',
  empty_file: 'invalid_request',
  no_data_rows: 'invalid_request',
  not_text: 'invalid_request',
  malformed_csv: 'invalid_request',
  password_protected: 'invalid_request',
  corrupt_spreadsheet: 'invalid_request',
  too_large: 'invalid_request',
  too_many_columns: 'invalid_request',
  sheet_not_found: 'invalid_request',
  no_phone_column: 'invalid_request',
  bad_mapping: 'invalid_request',
  list_exists: 'conflict',
  unwritable: 'invalid_request',
  bad_request: 'invalid_request',
  cancelled: 'conflict',
  not_found: 'not_found',
};

/** Runs a domain call and turns its typed errors into the Api's typed error. */
export async function asApi<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isImportError(err)) throw new ApiError({ code: importCodes[err.code], message: err.message });
    if (err instanceof StagingError) throw new ApiError({ code: 'not_found', message: err.message });
    throw err;
  }
}

/** Test-call input problems (bad number, missing setting) are the operator's to fix: invalid_request. */
export async function asPhoneApi<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TestCallError) throw new ApiError({ code: 'invalid_request', message: err.message });
    throw err;
  }
}
