package queue_test

import (
	"testing"

	"github.com/xbeam/xbeam/queue"
	"github.com/xbeam/xbeam/stress"
)

// FuzzBounded replays fuzz input as a sequence of TryPush and TryPop calls
// (decoded by stress.FuzzQueue) against a Bounded and the sequential model.
// The first byte picks the capacity (1 to 16), the second the start lap of the
// positions (see boundedStarts), so that the fuzzer also explores the
// wrap-arounds.
func FuzzBounded(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 2, 2, 2})
	f.Add([]byte{2, 1, 0, 1, 0, 1, 0, 2, 3, 3, 2, 0, 2})
	f.Add([]byte{15, 2, 3, 3, 3, 3, 2, 2, 0, 1, 2, 3})
	f.Add([]byte{6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		c := 1 + int(data[0]%16)
		start := boundedStarts[int(data[1])%len(boundedStarts)]
		stress.FuzzQueue(t, data[2:], c, func() stress.Queue { return queue.NewBoundedAt[uint64](c, start) })
	})
}
