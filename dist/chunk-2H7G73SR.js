#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-J7YOTXBO.js";
import "./chunk-VMGUI4HX.js";
import "./chunk-2VVORGCS.js";
import "./chunk-XII5G7GJ.js";
import "./chunk-56WD54YI.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
