import type { StackNode } from "../../../src/compare/aggregate.js";
import { functionKey } from "../../../src/model/functions.js";

/** A call tree from folded stacks ("a;b;c" → value), root first, as addStacks would build it. */
export function tree(stacks: Record<string, number>, file = "app.js"): StackNode {
  const root: StackNode = { name: "all", file: "", value: 0, self: 0, children: new Map() };
  for (const [path, v] of Object.entries(stacks)) {
    root.value += v;
    let node = root;
    for (const name of path.split(";")) {
      const key = functionKey({ name, file });
      let child = node.children.get(key);
      if (!child) {
        child = { name, file, value: 0, self: 0, children: new Map() };
        node.children.set(key, child);
      }
      child.value += v;
      node = child;
    }
    node.self += v;
  }
  return root;
}
