import {
  STEP_KIND_NAMES
} from "./chunk-U3WY2XO2.js";
import {
  rm
} from "./chunk-2INJGQ5O.js";
import {
  rmdir
} from "./chunk-MR2Q5276.js";
import {
  rename
} from "./chunk-GP76Y5SI.js";
import {
  put
} from "./chunk-LSLUAX23.js";
import {
  get
} from "./chunk-RYXUCTAU.js";
import {
  sync
} from "./chunk-3VACFE4N.js";
import "./chunk-QFXLK4HJ.js";
import "./chunk-7SQRNWOX.js";
import "./chunk-MVEHBQMZ.js";
import "./chunk-UUIWI3OP.js";
import {
  chmod
} from "./chunk-7XDYJKUN.js";
import {
  verify
} from "./chunk-RKCHQDHT.js";
import "./chunk-LZUWT6VM.js";
import {
  mkdir
} from "./chunk-OMOFKFJI.js";
import "./chunk-XBKAXUNN.js";
import "./chunk-FW2PYL6C.js";
import "./chunk-GKD4NT2B.js";
import "./chunk-GOUEWUCF.js";
import "./chunk-2IPWHU7E.js";
import "./chunk-LFXU7JLJ.js";
import "./chunk-FS6M5UPR.js";
import {
  MAX_RETRIES,
  wholeNumberPattern
} from "./chunk-VAYOHSAC.js";
import {
  DURATION_PATTERN,
  RATE_EXPECTED,
  RATE_PATTERN
} from "./chunk-URKZZK3P.js";
import "./chunk-ZN2EVIR7.js";
import "./chunk-UN72SBEK.js";

// src/runner/_schema.ts
import { z as z2 } from "zod";

// src/runner/_schema_parts.ts
import { z } from "zod";

// src/std/levenshtein_distance.ts
function levenshteinDistance(a, b) {
  let previous = Array.from({
    length: b.length + 1
  }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [
      i
    ];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

// src/std/closest_string.ts
function closestString(input, possibleWords, options = {}) {
  if (possibleWords.length === 0) {
    throw new TypeError("closestString: possibleWords is empty; give at least one word");
  }
  const { caseSensitive = false, compareFn = levenshteinDistance } = options;
  const fold = (text) => caseSensitive ? text : text.toLowerCase();
  const target = fold(input);
  let best = possibleWords[0];
  let bestDistance = Infinity;
  for (const word of possibleWords) {
    const distance = compareFn(target, fold(word));
    if (distance < bestDistance) [best, bestDistance] = [
      word,
      distance
    ];
  }
  return best;
}

// src/runner/_schema_parts.ts
function strict(shape, what) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return void 0;
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      const guess = issue.keys.map((k) => closest(k, allowed)).find((g) => g !== void 0);
      return `unknown key ${keys} in ${what}` + (guess ? ` (did you mean "${guess}"?)` : "") + `; allowed: ${allowed.join(", ")}`;
    }
  });
}
function closest(key, allowed) {
  if (allowed.length === 0) return void 0;
  const guess = closestString(key, allowed);
  return levenshteinDistance(key.toLowerCase(), guess.toLowerCase()) <= 2 ? guess : void 0;
}
var duration = z.union([
  z.number().nonnegative(),
  z.string().regex(DURATION_PATTERN, {
    error: "expected a duration such as 500ms, 30s, 2m or 1h"
  })
]).meta({
  description: 'Milliseconds, or a string such as "500ms", "30s", "2m", "1h".'
});
var rate = z.union([
  z.number({
    error: `expected ${RATE_EXPECTED}`
  }).min(1, {
    error: `expected ${RATE_EXPECTED}`
  }),
  z.string().regex(RATE_PATTERN, {
    error: `expected ${RATE_EXPECTED}`
  })
], {
  error: `expected ${RATE_EXPECTED}`
}).meta({
  description: 'Bytes per second: a number, or "500K", "2M", "2MiB", "1.5MB/s" (K, M, G: powers of 1024; kB, MB, GB: powers of 1000).'
});
var whole = (min, max) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.union([
    z.number({
      error
    }).int({
      error
    }).min(min, {
      error
    }).max(max, {
      error
    }),
    z.string({
      error
    }).regex(new RegExp(wholeNumberPattern(min, max)), {
      error
    })
  ], {
    error
  });
};
var overwrite = z.enum([
  "always",
  "never",
  "newer",
  "different"
]).meta({
  description: "When to replace an existing destination file (default: different: size or modification time differ)."
});
var filter = z.array(z.union([
  strict({
    include: z.string().min(1)
  }, "a filter rule"),
  strict({
    exclude: z.string().min(1)
  }, "a filter rule")
])).meta({
  description: "Ordered include/exclude globs, first match wins; unmatched paths are included unless the filter has an include rule."
});
var paths = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1)
]);
var schemaParts = {
  z,
  strict,
  duration,
  whole,
  rate,
  overwrite,
  filter,
  paths
};

// src/runner/steps/all_kinds.ts
var KINDS = [
  mkdir,
  rm,
  rmdir,
  rename,
  put,
  get,
  sync,
  chmod,
  verify
];
var STEP_KINDS = STEP_KIND_NAMES.map((name) => KINDS.find((kind) => kind.kind === name));

// src/runner/_schema.ts
var { strict: strict2, duration: duration2, whole: whole2, rate: rate2 } = schemaParts;
var tls = strict2({
  caFile: z2.string().min(1).optional().meta({
    description: "PEM file of extra CAs to trust, relative to the task file."
  }),
  verify: z2.boolean().optional().meta({
    description: "Verify the certificate (default true)."
  }),
  serverName: z2.string().min(1).optional(),
  minVersion: z2.enum([
    "TLSv1.2",
    "TLSv1.3"
  ]).optional().meta({
    description: "Oldest TLS version to accept (default TLSv1.2)."
  }),
  maxVersion: z2.enum([
    "TLSv1.2",
    "TLSv1.3"
  ]).optional().meta({
    description: "Newest TLS version to offer (default TLSv1.3)."
  }),
  clearControl: z2.boolean().optional().meta({
    description: "CCC after login: the control connection goes on in plain text so that a NAT or firewall can read PORT/PASV; data stays encrypted (explicit FTPS only; default false)."
  })
}, "connection.tls");
var connectionSchema = strict2({
  url: z2.string().min(1).optional().meta({
    description: "ftp://, ftps:// (implicit TLS) or ftpes:// (explicit TLS) URL."
  }),
  host: z2.string().min(1).optional(),
  port: whole2(1, 65535).optional(),
  user: z2.string().optional(),
  password: z2.string().optional().meta({
    description: "Use ${VAR} to read it from the environment or a .env file."
  }),
  account: z2.string().optional(),
  secure: z2.enum([
    "none",
    "explicit",
    "implicit"
  ]).optional(),
  tls: tls.optional(),
  mode: z2.enum([
    "passive",
    "active"
  ]).optional(),
  localAddress: z2.string().min(1).optional().meta({
    description: "IP address of this machine to connect from (ftplib's source_address); active mode listens on it too."
  }),
  connectTimeout: duration2.optional(),
  replyTimeout: duration2.optional(),
  dataTimeout: duration2.optional(),
  parallel: whole2(1, 64).optional().meta({
    description: "Connections carrying a step's transfers (default 4)."
  }),
  rateLimit: rate2.optional().meta({
    description: 'A bandwidth limit for the whole run, shared by every connection and both directions, in bytes per second: a number, or "500K", "2M", "2MiB" (K, M, G: powers of 1024; kB, MB, GB: powers of 1000).'
  }),
  encoding: z2.string().min(1).optional(),
  listHidden: z2.boolean().optional().meta({
    description: "List names that start with a dot, asking with LIST -a where needed (default true)."
  }),
  netrc: z2.union([
    z2.boolean(),
    z2.string().min(1)
  ]).optional()
}, "connection");
var watchSchema = strict2({
  debounce: duration2.optional().meta({
    description: "Quiet time before changes are uploaded as one batch (default 300ms)."
  }),
  maxWait: duration2.optional().meta({
    description: "The longest a change waits for the quiet time (default 5s)."
  }),
  keepAlive: duration2.optional().meta({
    description: "How often idle connections send NOOP; 0 sends none (default 30s)."
  })
}, "watch");
var common = {
  name: z2.string().min(1).optional(),
  continueOnError: z2.boolean().optional(),
  retries: whole2(0, MAX_RETRIES).optional(),
  timeoutRetries: whole2(0, MAX_RETRIES).optional().meta({
    description: "Retries of a timeout (default 1): a server that stops answering costs about (timeoutRetries + 1) x the timeout."
  })
};
var STEP_KIND_NAMES2 = STEP_KINDS.map((kind) => kind.kind);
var stepSchemas = Object.fromEntries(STEP_KINDS.map((kind) => [
  kind.kind,
  strict2({
    ...common,
    [kind.kind]: kind.schema(schemaParts)
  }, `${kind.article ?? "a"} ${kind.kind} step`)
]));
var taskSchema = strict2({
  $schema: z2.string().optional(),
  version: z2.literal(1, {
    error: "version must be 1 (the only task file version so far)"
  }),
  connection: connectionSchema,
  steps: z2.array(z2.union(STEP_KIND_NAMES2.map((kind) => stepSchemas[kind]))).min(1, {
    error: "a task needs at least one step"
  }),
  watch: watchSchema.optional()
}, "the task file");

// src/runner/_validate.ts
function validate(data) {
  const result = taskSchema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => explain(issue, [], data));
}
function valueAt(data, path) {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return void 0;
    value = value[segment];
  }
  return value;
}
function explain(issue, prefix, root) {
  const path = [
    ...prefix,
    ...issue.path.map((p) => p)
  ];
  const value = valueAt(root, path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [
        ...path,
        key
      ],
      message: issue.message,
      at: "key"
    }));
  }
  if (issue.code === "invalid_union" && path.length === 2 && path[0] === "steps") {
    return explainStep(path, value, root);
  }
  if (issue.code === "invalid_type" && value === void 0) {
    const key = path[path.length - 1];
    return [
      {
        path,
        message: `missing required key ${JSON.stringify(key)} (${issue.expected})`,
        at: "value"
      }
    ];
  }
  return [
    {
      path,
      message: issue.message,
      at: "value"
    }
  ];
}
function explainStep(path, step, root) {
  const kinds = STEP_KIND_NAMES2.join(", ");
  if (step === null || typeof step !== "object" || Array.isArray(step)) {
    return [
      {
        path,
        message: `a step must be a mapping with one of: ${kinds}`,
        at: "value"
      }
    ];
  }
  const present = STEP_KIND_NAMES2.filter((kind) => kind in step);
  if (present.length === 0) {
    return [
      {
        path,
        message: `the step has no action: give one of ${kinds}`,
        at: "value"
      }
    ];
  }
  if (present.length > 1) {
    return [
      {
        path: [
          ...path,
          present[1]
        ],
        message: `a step has exactly one action, this one has ${present.join(" and ")}: split it into ${present.length} steps`,
        at: "key"
      }
    ];
  }
  const result = stepSchemas[present[0]].safeParse(step);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => explain(issue, path, root));
}
export {
  validate
};
