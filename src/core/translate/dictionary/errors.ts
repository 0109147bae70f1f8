/** A dictionary file that cannot be read as the format it claims to be; names the file and where. */
export class DictionaryFormatError extends Error {
  constructor(
    readonly file: string,
    /** e.g. "line 12", "byte offset 3456", "entry 7 (line 40)". */
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${file}, ${where}: ${detail}`);
    this.name = 'DictionaryFormatError';
  }
}
