#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-3HE3ONEU.js";
import "./chunk-CWRBBNW7.js";
import "./chunk-66HSE2VW.js";
import "./chunk-NA7QCKOE.js";
import "./chunk-62QCV67P.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
