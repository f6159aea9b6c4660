package stress

import "syscall"

// canInterrupt says whether interruptThread works on this platform.
const canInterrupt = true

// threadID returns the operating-system thread running the caller.
func threadID() int64 { return int64(syscall.Gettid()) }

// interruptThread sends SIGURG to thread tid of this process. The Go
// runtime uses SIGURG to preempt goroutines and ignores one it did not ask
// for (os/signal documents that programs may receive it spuriously), so
// the only effect is that the thread stops wherever it is, often in the
// middle of an operation of the structure under test, for the
// microseconds that the kernel and the runtime's handler take. A thread
// that has exited or is now running another goroutine is harmless to
// signal.
func interruptThread(tid int64) {
	_ = syscall.Tgkill(syscall.Getpid(), int(tid), syscall.SIGURG)
}
