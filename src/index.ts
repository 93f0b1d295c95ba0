import { run } from "./main.js";

// The action entry point: nothing but run(); main.ts owns inputs, outputs and setFailed.
await run();
