#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-NOEN73ZI.js";
import "./chunk-3VT56ZC4.js";
import "./chunk-PIR7ZXVT.js";
import "./chunk-BFYKIGAX.js";
import "./chunk-RLNSEIJ5.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
