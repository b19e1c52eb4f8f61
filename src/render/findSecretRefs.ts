const SECRET_REF = /\$\{(secret:)?[A-Za-z0-9_.-]+\}/g;

/** `${NAME}` and `${secret:KEY}` references in a text, sorted, without duplicates. */
export function findSecretRefs(text: string): string[] {
  return [...new Set(text.match(SECRET_REF) ?? [])].sort();
}
