package deque_test

import (
	"sync"
	"testing"

	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/stress"
)

func TestInjectorFIFO(t *testing.T) {
	q := deque.NewInjector[int]()
	if _, st := q.Steal(); st != deque.Empty {
		t.Fatalf("Steal on empty = %v", st)
	}
	if st := q.StealBatch(deque.NewFIFO[int]()); st != deque.Empty {
		t.Fatalf("StealBatch on empty = %v", st)
	}
	const n = 1000 // many blocks
	for i := range n {
		q.Push(i)
		if q.Len() != i+1 {
			t.Fatalf("Len = %d after %d pushes", q.Len(), i+1)
		}
	}
	for i := range n {
		v, st := q.Steal()
		if st != deque.Success || v != i {
			t.Fatalf("Steal = %d, %v; want %d, Success", v, st, i)
		}
		if q.Len() != n-i-1 {
			t.Fatalf("Len = %d, want %d", q.Len(), n-i-1)
		}
	}
	if _, st := q.Steal(); st != deque.Empty {
		t.Fatalf("Steal after draining = %v", st)
	}
}

// TestInjectorBatch: batches take the oldest items in order, never more
// than 32 nor past the end of the head block, about half when the queue
// fits in one block, and lose nothing.
func TestInjectorBatch(t *testing.T) {
	for _, df := range flavors {
		for _, andPop := range []bool{false, true} {
			q := deque.NewInjector[uint64]()
			const n = 500
			for i := range uint64(n) {
				q.Push(i)
			}
			next := uint64(0)
			for next < n {
				dst := df.new()
				before := q.Len()
				var got []uint64
				if andPop {
					v, st := q.StealBatchAndPop(dst)
					if st != deque.Success {
						t.Fatalf("StealBatchAndPop = %v with %d items", st, before)
					}
					got = append(got, v)
				} else if st := q.StealBatch(dst); st != deque.Success {
					t.Fatalf("StealBatch = %v with %d items", st, before)
				}
				got = popAll(dst, got)
				k := len(got)
				rest := 63 - int(next%63) // slots left in the head block
				if k < 1 || k > deque.MaxBatch || k > rest || (before <= rest && k > (before+1)/2) {
					t.Fatalf("%s andPop=%v: took %d of %d (rest of block %d)", df.name, andPop, k, before, rest)
				}
				for _, v := range got {
					if v != next {
						t.Fatalf("%s andPop=%v: batch %v, want it to start at %d in order", df.name, andPop, got, next)
					}
					next++
				}
				if q.Len() != before-k {
					t.Fatalf("Len = %d, want %d", q.Len(), before-k)
				}
			}
		}
	}
}

// TestInjectorAllocs: once blocks recycle, Push and Steal allocate nothing.
func TestInjectorAllocs(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	q := deque.NewInjector[int]()
	w := deque.NewLIFO[int]()
	cycle := func() {
		for i := range 200 {
			q.Push(i)
		}
		for range 100 {
			q.Steal()
		}
		for q.Len() > 0 {
			q.StealBatch(w)
			q.StealBatchAndPop(w)
			for {
				if _, ok := w.Pop(); !ok {
					break
				}
			}
		}
		deque.Flush()
	}
	for range 10 {
		cycle()
	}
	if a := testing.AllocsPerRun(20, cycle); a != 0 {
		t.Errorf("Push/Steal over blocks: %v allocs per 200 items, want 0", a)
	}
}

// TestInjectorConcurrentLen: Len stays within [0, pushed] while pushers
// and stealers run.
func TestInjectorConcurrentLen(t *testing.T) {
	q := deque.NewInjector[int]()
	n := 20000
	if race.Enabled {
		n = 4000
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range n {
			q.Push(i)
		}
	}()
	go func() {
		defer wg.Done()
		for got := 0; got < n; {
			if _, st := q.Steal(); st == deque.Success {
				got++
			}
		}
	}()
	for range 1000 {
		if l := q.Len(); l < 0 || l > n {
			t.Errorf("Len = %d", l)
		}
	}
	wg.Wait()
	if q.Len() != 0 {
		t.Fatalf("Len = %d after draining", q.Len())
	}
}

func newStressWorker() stress.Deque { return stress.AdaptDeque(deque.NewFIFO[uint64]()) }

// TestCheckInjector runs the stress package's conservation hammer on the
// Injector: producers and thieves with all three kinds of steal.
func TestCheckInjector(t *testing.T) {
	newInj := func() stress.Injector { return stress.AdaptInjector(deque.NewInjector[uint64]()) }
	stress.CheckInjector(t, newInj, newStressWorker, stress.Options{})
}

func TestCheckInjectorLinearizable(t *testing.T) {
	newInj := func() stress.Injector { return stress.AdaptInjector(deque.NewInjector[uint64]()) }
	stress.CheckInjectorLinearizable(t, newInj, newStressWorker, stress.Options{})
}

// BenchmarkInjector is Push(v) then Steal() on one Injector: by one
// goroutine (pair: the uncontended cost of a submission and its removal),
// and by every goroutine of b.RunParallel at once (parallel). ns/op is per
// pair.
func BenchmarkInjector(b *testing.B) {
	b.Run("pair", func(b *testing.B) {
		q := deque.NewInjector[uint64]()
		b.ReportAllocs()
		v := uint64(0)
		for b.Loop() {
			q.Push(v)
			if x, st := q.Steal(); st != deque.Success || x != v {
				b.Fatalf("Push(%d); Steal() = %d, %v", v, x, st)
			}
			v++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		q := deque.NewInjector[uint64]()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				q.Push(1)
				for {
					// Empty when another goroutine took this push's item;
					// it left its own behind.
					if _, st := q.Steal(); st != deque.Retry {
						break
					}
				}
			}
		})
	})
}
