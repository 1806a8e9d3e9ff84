// The public surface of tree/: parameter trees and the operations on them.
export { isTensor, treeLeaves, treeLeavesWithPaths, treeMap, treeUnflatten, type ParamTree, type Tensor } from './tree.js';
export { treeZerosLike, treeFullLike, treeAdd, treeScale, treeClone, treeSize, globalNorm, disposeTree } from './ops.js';
