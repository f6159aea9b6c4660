package atomicx

// loadsInOrder reports whether the processor never lets a load pass an
// earlier load (x86-64's TSO model), so that a seqlock reader needs no
// fence between its copy and its second sequence read.
const loadsInOrder = true
