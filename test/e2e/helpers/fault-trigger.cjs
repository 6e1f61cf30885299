'use strict';
// Preloaded into a `calldeck serve` under test (node --require): on SIGUSR2 it makes the fault
// named by CALLDECK_TEST_FAULT happen inside the running server, as a bug in its code would.
process.on('SIGUSR2', () => {
  if (process.env.CALLDECK_TEST_FAULT === 'exception')
    setImmediate(() => {
      throw new Error('test fault: an exception nobody caught');
    });
  else void Promise.reject(new Error('test fault: a rejection nobody handled'));
});
