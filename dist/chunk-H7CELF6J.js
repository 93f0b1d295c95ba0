#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-P2DSF6ZZ.js";
import "./chunk-KUSF6KAR.js";
import "./chunk-G45YGDW3.js";
import "./chunk-FPAJZUQI.js";
import "./chunk-27IXE333.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
