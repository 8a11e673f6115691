/** A tar archive that cannot be read: the cause and the archive offset. */
export class TarFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'TarFormatError';
  }
}
