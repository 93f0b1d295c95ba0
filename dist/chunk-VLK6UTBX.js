#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-R6IU7ALJ.js";
import "./chunk-OASAT3X2.js";
import "./chunk-QB2HE6OS.js";
import "./chunk-XLQOYVXW.js";
import "./chunk-O2NE6SFS.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
