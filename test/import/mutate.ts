import fc from "fast-check";

// Mutations of real profiles, shared by the property tests and the fuzz.

/** Numbers as hostile files carry them: negative, fractional, huge, or not numbers at all. */
export const weirdNumber = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(1e308, -0, 2 ** 53 + 1, "7", null, true),
);

/** A marker for "delete this key" among mutation values. */
const REMOVE = Symbol("remove");

type Container = Record<string | number, unknown>;

/** Every (container, key) slot of a JSON value, found without recursion. */
function slots(root: unknown): Array<[Container, string | number]> {
  const out: Array<[Container, string | number]> = [];
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== "object" || v === null) continue;
    for (const key of Object.keys(v)) {
      const k = Array.isArray(v) ? Number(key) : key;
      out.push([v as Container, k]);
      todo.push((v as Container)[k]);
    }
  }
  return out;
}

/** `base` with 1 to 3 slots replaced by a wrong value or removed. */
export function mutated(base: unknown) {
  const wrong = fc.oneof(
    weirdNumber,
    fc.constantFrom(REMOVE, [], {}, "", "x", [0], -1, 0),
    fc.string({ maxLength: 3 }),
  );
  return fc.array(fc.tuple(fc.nat(), wrong), { minLength: 1, maxLength: 3 }).map((changes) => {
    const copy = structuredClone(base);
    for (const [at, value] of changes) {
      const all = slots(copy);
      if (all.length === 0) break;
      const [container, key] = all[at % all.length]!;
      if (value === REMOVE) delete container[key];
      // A copy: fast-check hands out the same [] / {} / [0] every time, and a
      // later change may write into it, even set it inside itself (a cycle).
      else container[key] = structuredClone(value);
    }
    return copy;
  });
}
