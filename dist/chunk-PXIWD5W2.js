#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-BUTPTYHJ.js";
import "./chunk-IQHWJIAT.js";
import "./chunk-2VVORGCS.js";
import "./chunk-2RZVFPMN.js";
import "./chunk-56WD54YI.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
