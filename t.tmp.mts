import { loadOneDnn, debianOneDnnPath } from './src/engine/native/onednn.ts';
console.log(loadOneDnn(debianOneDnnPath(), 2));
console.log(loadOneDnn('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0', 2));
