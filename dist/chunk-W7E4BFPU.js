#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-P3GFI7QY.js";
import "./chunk-SMSBL2ZI.js";
import "./chunk-7RDH22UK.js";
import "./chunk-BZNKWF7U.js";
import "./chunk-QVMRSD7E.js";
import "./chunk-NLRHZH6U.js";
export {
  abCommand,
  abReportPaths,
  planRounds,
  runAbService,
  sideCwd
};
