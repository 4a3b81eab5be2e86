/** The base of every error this package throws. */
export class ConnectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid client options, found at construction time. */
export class ConnectConfigError extends ConnectError {}
