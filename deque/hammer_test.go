package deque_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/internal/race"
)

// pair is a two-word item: a torn read (half of one item, half of another)
// shows up as a != b.
type pair struct{ a, b uint64 }

// TestHammer: one owner and T thieves (1..8) mixing Steal, StealBatch and
// StealBatchAndPop, on both flavours and several GOMAXPROCS values, with an
// owner that pushes in bursts so that the buffer grows, shrinks (where the
// Worker shrinks eagerly) and moves under the thieves. Every item is taken exactly once, untorn, and each
// thief's own steals (not counting what it later pops from its batches)
// come oldest first.
func TestHammer(t *testing.T) {
	items := 200_000
	if testing.Short() {
		items = 40_000
	}
	if race.Enabled {
		items /= 5
	}
	procs := []int{1, 2, 4, 8}
	for _, f := range []struct {
		name string
		new  func() *deque.Worker[pair]
	}{{"LIFO", deque.NewLIFO[pair]}, {"FIFO", deque.NewFIFO[pair]}} {
		for _, thieves := range []int{1, 2, 4, 8} {
			for _, p := range procs {
				t.Run(fmt.Sprintf("%s/T=%d/P=%d", f.name, thieves, p), func(t *testing.T) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
					hammer(t, f.new, thieves, items)
				})
			}
		}
	}
}

// ledger records, from any goroutine, which of the items 0..n-1 were
// taken, and keeps the first problem seen for the test's goroutine.
type ledger struct {
	seen   []atomic.Int32
	failed atomic.Value // string: the first problem
}

func newLedger(items int) *ledger { return &ledger{seen: make([]atomic.Int32, items)} }

// fail records msg unless a problem was recorded already.
func (l *ledger) fail(msg string) { l.failed.CompareAndSwap(nil, msg) }

// take records that v was taken: a torn or bogus item or one taken a second
// time is a problem.
func (l *ledger) take(v pair) {
	if v.a != v.b || v.a >= uint64(len(l.seen)) {
		l.fail(fmt.Sprintf("torn or bogus item %+v", v))
	} else if l.seen[v.a].Add(1) != 1 {
		l.fail(fmt.Sprintf("item %d taken twice", v.a))
	}
}

// meshStall is how long mesh lets the count of taken items stand still
// before it fails: far longer than any pause of a correct run, far shorter
// than the test binary's timeout, so that a lost item, or a taker that
// waits for a write that never comes, fails with a message and not a hang.
const meshStall = 30 * time.Second

// awaitProgress returns "" once finished is closed, or a message once
// *taken has stood still for stall.
func awaitProgress(taken *atomic.Int64, total int64, stall time.Duration, finished <-chan struct{}) string {
	tick := time.NewTicker(stall / 10)
	defer tick.Stop()
	last, since := taken.Load(), time.Now()
	for {
		select {
		case <-finished:
			return ""
		case now := <-tick.C:
			if n := taken.Load(); n != last {
				last, since = n, now
			} else if now.Sub(since) >= stall {
				return fmt.Sprintf("no progress for %v: %d of %d items taken", stall, n, total)
			}
		}
	}
}

// check fails t with the first problem, or if an item was not taken
// exactly once. Call it after every goroutine that takes has finished.
func (l *ledger) check(t *testing.T) {
	if msg := l.failed.Load(); msg != nil {
		t.Fatal(msg)
	}
	for i := range l.seen {
		if n := l.seen[i].Load(); n != 1 {
			t.Fatalf("item %d taken %d times", i, n)
		}
	}
}

// TestHammerPointers is TestHammer on items that hold pointers, which
// every steal, pop and resize clears from the slots they leave, under the
// same checks.
func TestHammerPointers(t *testing.T) {
	items := 40_000
	if race.Enabled {
		items /= 5
	}
	for _, f := range []struct {
		name string
		new  func() *deque.Worker[*pair]
	}{{"LIFO", deque.NewLIFO[*pair]}, {"FIFO", deque.NewFIFO[*pair]}} {
		for _, thieves := range []int{1, 4} {
			for _, p := range []int{2, 4} {
				t.Run(fmt.Sprintf("%s/T=%d/P=%d", f.name, thieves, p), func(t *testing.T) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
					hammerOf(t, f.new, thieves, items, func(v pair) *pair { return &v }, func(p *pair) pair { return *p })
				})
			}
		}
	}
}

func hammer(t *testing.T, newWorker func() *deque.Worker[pair], thieves, items int) {
	id := func(v pair) pair { return v }
	hammerOf(t, newWorker, thieves, items, id, id)
}

// hammerOf is the hammer on items of type T, made from and read as pairs.
func hammerOf[T any](t *testing.T, newWorker func() *deque.Worker[T], thieves, items int, mk func(pair) T, get func(T) pair) {
	w := newWorker()
	if thieves%2 == 0 {
		// Bursts of up to 300 items stay within the buffer a Worker
		// keeps; half the runs shrink it as it drains, too.
		deque.ShrinkEagerly(w)
	}
	s := w.Stealer()
	l := newLedger(items)
	take := func(v T) { l.take(get(v)) }
	var done atomic.Bool
	var wg sync.WaitGroup
	for i := range thieves {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			dst := newWorker()
			last := int64(-1) // the newest item this thief took from the source by a claim
			check := func(x T) {
				v := get(x)
				if int64(v.a) <= last {
					l.fail(fmt.Sprintf("thief %d stole %d after %d: not oldest first", i, v.a, last))
				}
				last = int64(v.a)
			}
			for {
				var st deque.Status
				switch rng.IntN(3) {
				case 0:
					var v T
					v, st = s.Steal()
					if st == deque.Success {
						check(v)
						take(v)
					}
				case 1:
					st = s.StealBatch(dst)
				default:
					var v T
					v, st = s.StealBatchAndPop(dst)
					if st == deque.Success {
						check(v)
						take(v)
					}
				}
				// Drain the batch; its items are newer than last (a
				// batch takes the oldest, in order).
				popEach(dst, func(v T) {
					check(v)
					take(v)
				})
				if st == deque.Empty && done.Load() {
					return
				}
				if st == deque.Retry && s.Len() == 0 && done.Load() {
					continue // a lost race is not an empty deque: look again
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(99, 1))
	for i := 0; i < items; {
		burst := 1 + rng.IntN(300)
		for ; burst > 0 && i < items; burst-- {
			w.Push(mk(pair{uint64(i), uint64(i)}))
			i++
		}
		for pops := rng.IntN(300); pops > 0; pops-- {
			v, ok := w.Pop()
			if !ok {
				break
			}
			take(v)
		}
	}
	popEach(w, take)
	done.Store(true)
	wg.Wait()
	l.check(t)
}

// TestMesh: W goroutines each own a Worker, push their share of the items
// in bursts, pop, and when dry steal (all three kinds, from the Injector
// and from random siblings) into their own Worker, so that batches land in
// Workers that others are stealing from at the same time. Every item is
// taken exactly once.
func TestMesh(t *testing.T) {
	items := 100_000
	if testing.Short() {
		items = 20_000
	}
	if race.Enabled {
		items /= 5
	}
	for _, p := range []int{1, 2, 4, 8} {
		for _, lifo := range []bool{false, true} {
			ok := t.Run(fmt.Sprintf("P=%d/LIFO=%v", p, lifo), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
				mesh(t, 4, items, lifo)
			})
			if !ok {
				return // a stalled mesh leaves its stuck goroutines running
			}
		}
	}
}

func mesh(t *testing.T, n, items int, lifo bool) {
	inj := deque.NewInjector[pair]()
	workers := make([]*deque.Worker[pair], n)
	for i := range workers {
		if lifo {
			workers[i] = deque.NewLIFO[pair]()
		} else {
			workers[i] = deque.NewFIFO[pair]()
		}
	}
	l := newLedger(items)
	var taken atomic.Int64
	take := func(v pair) {
		l.take(v)
		taken.Add(1)
	}
	// A quarter of the items go through the injector.
	for i := 0; i < items/4; i++ {
		inj.Push(pair{uint64(i), uint64(i)})
	}
	var wg sync.WaitGroup
	for id := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := workers[id]
			rng := rand.New(rand.NewPCG(uint64(id), 3))
			next, end := items/4+id*(items-items/4)/n, items/4+(id+1)*(items-items/4)/n
			for taken.Load() < int64(items) && l.failed.Load() == nil {
				for burst := rng.IntN(64); burst > 0 && next < end; burst-- {
					own.Push(pair{uint64(next), uint64(next)})
					next++
				}
				for pops := rng.IntN(64); pops > 0; pops-- {
					v, ok := own.Pop()
					if !ok {
						break
					}
					take(v)
				}
				if own.Len() > 0 || next < end {
					continue
				}
				var v pair
				var st deque.Status
				victim := workers[rng.IntN(n)]
				switch k := rng.IntN(6); {
				case k == 0:
					v, st = inj.Steal()
				case k == 1:
					if st = inj.StealBatch(own); st == deque.Success {
						continue
					}
				case k == 2:
					v, st = inj.StealBatchAndPop(own)
				case victim == own:
					continue
				case k == 3:
					v, st = victim.Stealer().Steal()
				case k == 4:
					if st = victim.Stealer().StealBatch(own); st == deque.Success {
						continue
					}
				default:
					v, st = victim.Stealer().StealBatchAndPop(own)
				}
				if st == deque.Success {
					take(v)
				} else {
					runtime.Gosched()
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	if msg := awaitProgress(&taken, int64(items), meshStall, finished); msg != "" {
		l.fail(msg) // takers that are not stuck return
		stacks := make([]byte, 256<<10)
		t.Fatalf("%s; every goroutine:\n%s", msg, stacks[:runtime.Stack(stacks, true)])
	}
	l.check(t)
}
