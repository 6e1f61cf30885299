'use strict';
// Preloaded into a stand-in utility process: Electron's process.parentPort over Node's IPC channel.
process.parentPort = {
  on(event, listener) {
    if (event === 'message') process.on('message', (data) => listener({ data }));
    return this;
  },
  postMessage(message) {
    process.send(message);
  },
};
