/** Recognising PostgreSQL error codes behind an `SqlError`. */
import type { SqlError } from "@effect/sql"

const codeOf = (error: SqlError.SqlError): unknown =>
  typeof error.cause === "object" && error.cause !== null && "code" in error.cause
    ? error.cause.code
    : undefined

/** 23505: a unique constraint was violated. */
export const isUniqueViolation = (error: SqlError.SqlError): boolean => codeOf(error) === "23505"
