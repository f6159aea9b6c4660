package queue_test

import (
	"runtime"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sweepProcs are the GOMAXPROCS values the hammers of both queues sweep.
var sweepProcs = []int{1, 2, 4, 8}

// withProcs runs f under GOMAXPROCS n and restores the previous value.
func withProcs(n int, f func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f()
}
