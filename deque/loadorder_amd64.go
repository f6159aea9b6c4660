package deque

// loadsInOrder reports whether the processor never lets a load pass an
// earlier load (x86-64's TSO model), so that the speculative Steal's second
// load of the buffer generation needs no fence after its read of the slot.
const loadsInOrder = true
