// Preloaded into child processes we spawn (Azurite, the Agents Playground) so that they stop by
// themselves when their parent dies, even by SIGKILL, instead of lingering on a port.
'use strict';
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 500);
timer.unref();
