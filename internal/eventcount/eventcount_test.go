package eventcount_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/xbeam/xbeam/internal/eventcount"
	"github.com/xbeam/xbeam/internal/race"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// semaphore is the smallest structure built on an EventCount: take waits
// until a token is available.
type semaphore struct {
	tokens atomic.Int64
	ev     eventcount.EventCount
}

func (s *semaphore) tryTake() bool {
	for {
		n := s.tokens.Load()
		if n == 0 {
			return false
		}
		if s.tokens.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

func (s *semaphore) take(ctx context.Context) error {
	for {
		if s.tryTake() {
			return nil
		}
		w := s.ev.Prepare()
		if s.tryTake() {
			s.ev.Cancel(w)
			return nil
		}
		if err := s.ev.Wait(ctx, w); err != nil {
			return err
		}
	}
}

func (s *semaphore) give() {
	s.tokens.Add(1)
	s.ev.NotifyOne()
}

// TestNoLostWakeups hands tokens one at a time to many takers: a lost
// wake-up leaves a taker asleep with a token available, and the watchdog
// (far longer than the work needs) reports which round hung.
func TestNoLostWakeups(t *testing.T) {
	rounds := 2000
	if testing.Short() || race.Enabled {
		rounds = 300
	}
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		for r := 0; r < rounds; r++ {
			var s semaphore
			const takers = 4
			var wg sync.WaitGroup
			wg.Add(takers)
			for i := 0; i < takers; i++ {
				go func() {
					defer wg.Done()
					if err := s.take(context.Background()); err != nil {
						t.Error(err)
					}
				}()
			}
			for i := 0; i < takers; i++ {
				s.give()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(time.Minute):
				t.Fatalf("GOMAXPROCS=%d round %d: takers still asleep with %d tokens left and %d waiters: lost wake-up",
					procs, r, s.tokens.Load(), s.ev.Waiters())
			}
			if n := s.tokens.Load(); n != 0 {
				t.Fatalf("%d tokens left after all takers returned", n)
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

func TestNotifyWakesInPrepareOrder(t *testing.T) {
	var ev eventcount.EventCount
	w1 := ev.Prepare()
	w2 := ev.Prepare()
	if got := ev.Waiters(); got != 2 {
		t.Fatalf("Waiters() = %d after two Prepare, want 2", got)
	}
	ev.NotifyOne()
	if got := ev.Waiters(); got != 1 {
		t.Fatalf("Waiters() = %d after NotifyOne, want 1", got)
	}
	// w1 was notified: its Wait returns at once even with a done context
	// only if the notification is taken, so use a live context.
	if err := ev.Wait(context.Background(), w1); err != nil {
		t.Fatalf("Wait(w1) = %v, want nil", err)
	}
	ev.NotifyAll()
	if err := ev.Wait(context.Background(), w2); err != nil {
		t.Fatalf("Wait(w2) = %v, want nil", err)
	}
	if got := ev.Waiters(); got != 0 {
		t.Fatalf("Waiters() = %d at the end, want 0", got)
	}
}

func TestWaitCancelled(t *testing.T) {
	var ev eventcount.EventCount
	ctx, cancel := context.WithCancel(context.Background())
	w := ev.Prepare()
	errc := make(chan error)
	go func() { errc <- ev.Wait(ctx, w) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if got := ev.Waiters(); got != 0 {
		t.Fatalf("Waiters() = %d after a cancelled Wait, want 0", got)
	}
}

// TestCancelledWaitPassesNotificationOn: a notification that reached a
// waiter whose context is done must not be swallowed: either that Wait
// returns nil, or the notification moves to the next waiter.
func TestCancelledWaitPassesNotificationOn(t *testing.T) {
	for i := 0; i < 200; i++ {
		var ev eventcount.EventCount
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w1 := ev.Prepare()
		w2 := ev.Prepare()
		ev.NotifyOne() // reaches w1
		err := ev.Wait(ctx, w1)
		switch {
		case err == nil:
			if ev.Waiters() != 1 {
				t.Fatalf("w1 took the notification but Waiters() = %d, want 1", ev.Waiters())
			}
			ev.Cancel(w2)
		case errors.Is(err, context.Canceled):
			if ev.Waiters() != 0 {
				t.Fatalf("w1 cancelled but the notification was not passed to w2: Waiters() = %d", ev.Waiters())
			}
			if err := ev.Wait(context.Background(), w2); err != nil {
				t.Fatalf("Wait(w2) = %v", err)
			}
		default:
			t.Fatalf("Wait = %v", err)
		}
	}
}

func TestCancelAfterNotifyPassesNotificationOn(t *testing.T) {
	var ev eventcount.EventCount
	w1 := ev.Prepare()
	w2 := ev.Prepare()
	ev.NotifyOne() // reaches w1, which then finds its condition true
	ev.Cancel(w1)
	if got := ev.Waiters(); got != 0 {
		t.Fatalf("Waiters() = %d: the notification Cancel received was not passed on", got)
	}
	if err := ev.Wait(context.Background(), w2); err != nil {
		t.Fatalf("Wait(w2) = %v", err)
	}
}

func TestZeroAllocs(t *testing.T) {
	var ev eventcount.EventCount
	if n := testing.AllocsPerRun(1000, ev.NotifyOne); n != 0 {
		t.Errorf("NotifyOne with no waiters allocates %v per call", n)
	}
	if n := testing.AllocsPerRun(1000, func() {
		w := ev.Prepare()
		ev.NotifyOne()
		if err := ev.Wait(context.Background(), w); err != nil {
			t.Fatal(err)
		}
	}); n != 0 && !race.Enabled { // sync.Pool drops items at random under -race
		t.Errorf("Prepare+NotifyOne+Wait allocates %v per round", n)
	}
}

func BenchmarkNotifyOneNoWaiters(b *testing.B) {
	b.ReportAllocs()
	var ev eventcount.EventCount
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev.NotifyOne()
		}
	})
}
