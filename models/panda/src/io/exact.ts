// Compile-time checks that a zod schema's output type is exactly the TypeScript interface it mirrors, so a field
// added to, removed from or retyped in an interface fails typecheck until the file format follows.

/** True when A and B are the same type (optionality, nullability and literal unions included). */
export type IsExact<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when its argument is `true`. */
export type Assert<T extends true> = T;

/** One object type for an intersection (`A & B`), so IsExact compares members rather than how they are spelt. */
export type Flatten<T> = { [K in keyof T]: T[K] };
