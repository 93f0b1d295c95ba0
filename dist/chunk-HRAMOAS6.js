#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
} from "./chunk-6B5EOXTG.js";
import "./chunk-7BGRP2UI.js";
import "./chunk-SGQIZRZ5.js";
import "./chunk-3C7OXVD6.js";
import "./chunk-56WD54YI.js";
import "./chunk-QMCRCNTE.js";
export {
  abCommand,
  planRounds,
  runAbService,
  sideCwd
};
