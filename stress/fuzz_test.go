package stress_test

import (
	"testing"

	"github.com/xbeam/xbeam/stress"
)

// The fuzz targets run the helpers against the mutex references; their
// seed corpus is in testdata/fuzz, and `go test` runs it as unit tests.

func FuzzMutexQueue(f *testing.F) {
	for _, s := range stress.FuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stress.FuzzQueue(t, data, 0, func() stress.Queue { return newMutexQueue(0) })
		stress.FuzzQueue(t, data, 3, func() stress.Queue { return newMutexQueue(3) })
	})
}

func FuzzMutexBlockingQueue(f *testing.F) {
	for _, s := range stress.FuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stress.FuzzBlockingQueue(t, data, 5, errClosed, func() stress.BlockingQueue {
			return &blockingMutexQueue{mutexQueue: newMutexQueue(5)}
		})
	})
}

func FuzzMutexDeque(f *testing.F) {
	for _, s := range stress.FuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stress.FuzzDeque(t, data, stress.LIFO, newDeque(stress.LIFO, nil))
		stress.FuzzDeque(t, data, stress.FIFO, newDeque(stress.FIFO, nil))
	})
}

// The fuzz helpers must catch the planted bugs on their own seeds.
func TestFuzzHelpersCatchPlantedBugs(t *testing.T) {
	seeds := stress.FuzzSeeds()
	caught := func(name string, check func(tb testing.TB, data []byte)) {
		t.Run(name, func(t *testing.T) {
			for _, s := range seeds {
				if msg, failed := run(t, func(tb testing.TB) { check(tb, s) }); failed {
					t.Logf("caught:\n%s", msg)
					return
				}
			}
			t.Fatal("no seed caught the bug")
		})
	}
	caught("lifoQueue", func(tb testing.TB, data []byte) {
		stress.FuzzQueue(tb, data, 0, func() stress.Queue { q := newMutexQueue(0); q.lifo = true; return q })
	})
	caught("dropQueue", func(tb testing.TB, data []byte) {
		stress.FuzzQueue(tb, data, 0, func() stress.Queue { q := newMutexQueue(0); q.dropEvery = 5; return q })
	})
	caught("fullTooEarly", func(tb testing.TB, data []byte) {
		stress.FuzzQueue(tb, data, 4, func() stress.Queue { return newMutexQueue(3) })
	})
	caught("pushAfterClose", func(tb testing.TB, data []byte) {
		stress.FuzzBlockingQueue(tb, append([]byte{2}, data...), 5, errClosed, func() stress.BlockingQueue {
			return &blockingMutexQueue{mutexQueue: newMutexQueue(5), ignoreClose: true}
		})
	})
	caught("stealNewest", func(tb testing.TB, data []byte) {
		stress.FuzzDeque(tb, append(data, 0, 0, 0, 2, 2), stress.LIFO, newDeque(stress.LIFO, func(d *mdeque[uint64]) { d.newestEvery = 2 }))
	})
	caught("wrongFlavor", func(tb testing.TB, data []byte) {
		stress.FuzzDeque(tb, data, stress.FIFO, newDeque(stress.LIFO, nil))
	})
}
