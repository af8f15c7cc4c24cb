import {
  rename
} from "./chunk-GP76Y5SI.js";
import "./chunk-GKD4NT2B.js";
import "./chunk-GOUEWUCF.js";
import "./chunk-2IPWHU7E.js";
import "./chunk-LFXU7JLJ.js";
import "./chunk-FS6M5UPR.js";
import "./chunk-ZN2EVIR7.js";
import "./chunk-UN72SBEK.js";
export {
  rename
};
