//go:build amd64 || arm64

package atomicx

// procYield executes cycles pause (amd64) or yield (arm64) instructions: a
// spin-wait hint that saves power and frees the core's pipeline for its
// hyper-thread sibling, without giving up the processor to the scheduler.
//
//go:noescape
func procYield(cycles uint32)
