/** Errors of the object store (app/utils/object-store.server.ts), shared by its drivers. */
export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no object ${key}`);
    this.name = "ObjectNotFoundError";
  }
}

/** The store did not answer (down, unreachable, refused us): the caller says "try again later", never a stack trace. */
export class ObjectStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ObjectStoreUnavailableError";
  }
}

export function isObjectStoreUnavailable(err: unknown): err is ObjectStoreUnavailableError {
  return err instanceof ObjectStoreUnavailableError;
}
