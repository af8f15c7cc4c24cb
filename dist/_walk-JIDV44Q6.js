import {
  MAX_WALK_DEPTH,
  walkTree
} from "./chunk-VJG3NOR2.js";
export {
  MAX_WALK_DEPTH,
  walkTree
};
