/** Why a whole file could not be imported. Row problems are not errors: they become row reasons. */
export type ImportErrorCode =
  | 'unreadable'
  | 'empty_file'
  | 'no_data_rows'
  | 'not_text'
  | 'malformed_csv'
  | 'password_protected'
  | 'corrupt_spreadsheet'
  | 'too_large'
  | 'too_many_columns'
  | 'sheet_not_found'
  | 'no_phone_column'
  | 'bad_mapping'
  | 'list_exists'
  | 'unwritable'
  | 'bad_request'
  | 'cancelled'
  | 'not_found';

export class ImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

export const isImportError = (err: unknown): err is ImportError => err instanceof ImportError;
