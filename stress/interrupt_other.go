//go:build !linux

package stress

// canInterrupt says whether interruptThread works on this platform: only
// on Linux can a goroutine signal one thread of its own process.
const canInterrupt = false

func threadID() int64           { return 0 }
func interruptThread(tid int64) {}
