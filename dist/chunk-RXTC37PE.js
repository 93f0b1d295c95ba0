#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-6IYSUYLU.js";
import "./chunk-OKRIHFOY.js";
import "./chunk-2OOZ65N6.js";
import "./chunk-LFQ4KDCT.js";
import "./chunk-56WD54YI.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
