// src/std/timer.ts
var MAX_DELAY = 2 ** 31 - 1;
function startTimer(ms, callback) {
  const signal = AbortSignal.timeout(ms > MAX_DELAY ? MAX_DELAY : ms > 0 ? ms : 0);
  let state = "waiting";
  const fire = () => {
    if (state !== "waiting") return;
    state = "done";
    callback();
  };
  signal.addEventListener("abort", fire, {
    once: true
  });
  return {
    clear() {
      state = "done";
      signal.removeEventListener("abort", fire);
    },
    unref() {
      if (state !== "waiting") return;
      state = "unref";
      signal.removeEventListener("abort", fire);
    },
    ref() {
      if (state !== "unref") return;
      state = "waiting";
      if (signal.aborted) fire();
      else signal.addEventListener("abort", fire, {
        once: true
      });
    }
  };
}
function startInterval(ms, callback) {
  let cleared = false;
  let period;
  const next = () => {
    period = startTimer(ms, () => {
      next();
      callback();
    });
  };
  next();
  return {
    clear() {
      cleared = true;
      period.clear();
    },
    unref() {
      if (!cleared) period.unref();
    },
    ref() {
      if (!cleared) period.ref();
    }
  };
}

export {
  startTimer,
  startInterval
};
