package stress_test

import (
	"testing"

	"github.com/xbeam/xbeam/stress"
)

func newDeque(flavor stress.Flavor, bug func(*mdeque[uint64])) func() stress.Deque {
	return func() stress.Deque {
		w := newWorker[uint64](flavor == stress.FIFO)
		if bug != nil {
			bug(w.d)
		}
		return stress.AdaptDeque(w)
	}
}

func TestCheckDequeMutex(t *testing.T) {
	for _, f := range []stress.Flavor{stress.LIFO, stress.FIFO} {
		t.Run(f.String(), func(t *testing.T) {
			stress.CheckDeque(t, newDeque(f, nil), f, stress.Options{})
		})
	}
}

func TestPlantedDequeBugs(t *testing.T) {
	for _, f := range []stress.Flavor{stress.LIFO, stress.FIFO} {
		t.Run(f.String()+"/stealNewest", func(t *testing.T) {
			msg := expectFailure(t, "oldest", func(tb testing.TB) {
				stress.CheckDeque(tb, newDeque(f, func(d *mdeque[uint64]) { d.newestEvery = 100 }), f, stress.Options{})
			})
			t.Logf("caught:\n%s", msg)
		})
		t.Run(f.String()+"/retryWhenEmpty", func(t *testing.T) {
			msg := expectFailure(t, "want Empty", func(tb testing.TB) {
				stress.CheckDeque(tb, newDeque(f, func(d *mdeque[uint64]) { d.retryOnEmpty = true }), f, stress.Options{})
			})
			t.Logf("caught:\n%s", msg)
		})
		t.Run(f.String()+"/wrongFlavor", func(t *testing.T) {
			other := stress.FIFO
			if f == stress.FIFO {
				other = stress.LIFO
			}
			msg := expectFailure(t, "Pop", func(tb testing.TB) {
				stress.CheckDeque(tb, newDeque(other, nil), f, stress.Options{})
			})
			t.Logf("caught:\n%s", msg)
		})
	}
}

func TestCheckDequeLinearizableMutex(t *testing.T) {
	for _, f := range []stress.Flavor{stress.LIFO, stress.FIFO} {
		t.Run(f.String(), func(t *testing.T) {
			stress.CheckDequeLinearizable(t, newDeque(f, nil), f, stress.Options{})
		})
	}
}

func TestPlantedDequeBugsLinearizable(t *testing.T) {
	for _, f := range []stress.Flavor{stress.LIFO, stress.FIFO} {
		t.Run(f.String()+"/stealNewest", func(t *testing.T) {
			msg := expectFailure(t, "not linearizable", func(tb testing.TB) {
				stress.CheckDequeLinearizable(tb, newDeque(f, func(d *mdeque[uint64]) { d.newestEvery = 5 }), f, stress.Options{})
			})
			t.Logf("caught:\n%s", msg)
		})
	}
}

func newTestInjector(bug func(*mdeque[uint64])) func() stress.Injector {
	return func() stress.Injector {
		inj := newInjector[uint64]()
		if bug != nil {
			bug(inj.d)
		}
		return stress.AdaptInjector(inj)
	}
}

func newFIFOWorker() stress.Deque { return stress.AdaptDeque(newWorker[uint64](true)) }

func TestCheckInjectorMutex(t *testing.T) {
	stress.CheckInjector(t, newTestInjector(nil), newFIFOWorker, stress.Options{})
	stress.CheckInjectorLinearizable(t, newTestInjector(nil), newFIFOWorker, stress.Options{})
}

func TestPlantedInjectorBugs(t *testing.T) {
	bug := func(d *mdeque[uint64]) { d.newestEvery = 100 }
	msg := expectFailure(t, "oldest", func(tb testing.TB) {
		stress.CheckInjector(tb, newTestInjector(bug), newFIFOWorker, stress.Options{})
	})
	t.Logf("caught:\n%s", msg)
	bug = func(d *mdeque[uint64]) { d.newestEvery = 5 }
	msg = expectFailure(t, "not linearizable", func(tb testing.TB) {
		stress.CheckInjectorLinearizable(tb, newTestInjector(bug), newFIFOWorker, stress.Options{})
	})
	t.Logf("caught:\n%s", msg)
}
