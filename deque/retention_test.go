package deque_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/stress"
)

// task is a value with pointers whose collection a test can observe.
type task struct {
	id int
	_  [64]byte // big enough for its own size class
}

// tracked hands out n tasks, each registering a cleanup that counts its
// collection, and waits for that count.
type tracked struct{ collected atomic.Int64 }

func (c *tracked) push(n int, push func(*task)) {
	for i := range n {
		p := &task{id: i}
		runtime.AddCleanup(p, func(*tracked) { c.collected.Add(1) }, c)
		push(p)
	}
}

// waitCollected runs the collector until want tasks were collected, at
// most 20 cycles (cleanups run on their own goroutine after a cycle).
func (c *tracked) waitCollected(t *testing.T, want int64) {
	t.Helper()
	for range 20 {
		if c.collected.Load() >= want {
			return
		}
		runtime.GC()
		runtime.Gosched()
	}
	t.Fatalf("%d of %d taken values were collected while the structure is alive", c.collected.Load(), want)
}

// drop discards a value without keeping it in the caller's frame.
//
//go:noinline
func drop(*task) {}

func popAllTasks(w *deque.Worker[*task]) int {
	n := 0
	for {
		v, ok := w.Pop()
		if !ok {
			return n
		}
		drop(v)
		n++
	}
}

// TestTakenValuesCollectable: every value taken out of a Worker (by Pop,
// Steal or a batch steal, across growth and shrinkage) or an Injector is
// collectable while the structure itself stays alive.
func TestTakenValuesCollectable(t *testing.T) {
	const n = 300 // several resizes from the minimum capacity
	newFlavours := map[string]func() *deque.Worker[*task]{"LIFO": deque.NewLIFO[*task], "FIFO": deque.NewFIFO[*task]}
	for name, newW := range newFlavours {
		t.Run(name+"/Pop", func(t *testing.T) {
			var c tracked
			w := newW()
			c.push(n, w.Push)
			require.Equal(t, n, popAllTasks(w))
			c.waitCollected(t, n)
			runtime.KeepAlive(w)
		})
		t.Run(name+"/Steal", func(t *testing.T) {
			var c tracked
			w := newW()
			c.push(n, w.Push)
			for range n {
				v, st := w.Stealer().Steal()
				require.Equal(t, deque.Success, st)
				drop(v)
			}
			c.waitCollected(t, n)
			runtime.KeepAlive(w)
		})
		for _, pop := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/StealBatch/pop=%v", name, pop), func(t *testing.T) {
				var c tracked
				src, dst := newW(), newW()
				c.push(n, src.Push) // src grows
				taken := 0
				for src.Len() > 0 {
					if pop {
						v, st := src.Stealer().StealBatchAndPop(dst)
						require.Equal(t, deque.Success, st)
						drop(v)
						taken++
					} else {
						require.Equal(t, deque.Success, src.Stealer().StealBatch(dst))
					}
					if v, ok := src.Pop(); ok { // src shrinks as it drains
						drop(v)
						taken++
					}
				}
				taken += popAllTasks(dst) // dst grew and shrinks
				require.Equal(t, n, taken)
				c.waitCollected(t, n)
				runtime.KeepAlive(src)
				runtime.KeepAlive(dst)
			})
		}
	}
	t.Run("Injector", func(t *testing.T) {
		var c tracked
		q := deque.NewInjector[*task]()
		dst := deque.NewLIFO[*task]()
		c.push(n, q.Push)
		taken := 0
		for i := 0; q.Len() > 0; i++ {
			switch i % 3 {
			case 0:
				v, st := q.Steal()
				require.Equal(t, deque.Success, st)
				drop(v)
				taken++
			case 1:
				require.Equal(t, deque.Success, q.StealBatch(dst))
			case 2:
				v, st := q.StealBatchAndPop(dst)
				require.Equal(t, deque.Success, st)
				drop(v)
				taken++
			}
		}
		taken += popAllTasks(dst)
		require.Equal(t, n, taken)
		c.waitCollected(t, n)
		runtime.KeepAlive(q)
		runtime.KeepAlive(dst)
	})
}

// TestZeroValuePanics: every operation on a zero Worker, Stealer or
// Injector, and a batch steal into a zero Worker, panics with a message
// that names the way to make the value.
func TestZeroValuePanics(t *testing.T) {
	const (
		worker   = "NewLIFO or NewFIFO"
		stealer  = "Worker.Stealer"
		injector = "NewInjector"
	)
	live := deque.NewLIFO[int]()
	live.Push(1)
	q := deque.NewInjector[int]()
	q.Push(1)
	for _, c := range []struct {
		op   string
		want string
		fn   func()
	}{
		{"Worker.Push", worker, func() { new(deque.Worker[int]).Push(1) }},
		{"Worker.Pop", worker, func() { new(deque.Worker[int]).Pop() }},
		{"Worker.Len", worker, func() { new(deque.Worker[int]).Len() }},
		{"Worker.IsLIFO", worker, func() { new(deque.Worker[int]).IsLIFO() }},
		{"Worker.Stealer", worker, func() { new(deque.Worker[int]).Stealer() }},
		{"Stealer.Steal", stealer, func() { new(deque.Stealer[int]).Steal() }},
		{"Stealer.StealBatch", stealer, func() { new(deque.Stealer[int]).StealBatch(deque.NewLIFO[int]()) }},
		{"Stealer.StealBatchAndPop", stealer, func() { new(deque.Stealer[int]).StealBatchAndPop(deque.NewLIFO[int]()) }},
		{"Stealer.Len", stealer, func() { new(deque.Stealer[int]).Len() }},
		{"Injector.Push", injector, func() { new(deque.Injector[int]).Push(1) }},
		{"Injector.Steal", injector, func() { new(deque.Injector[int]).Steal() }},
		{"Injector.StealBatch", injector, func() { new(deque.Injector[int]).StealBatch(deque.NewLIFO[int]()) }},
		{"Injector.StealBatchAndPop", injector, func() { new(deque.Injector[int]).StealBatchAndPop(deque.NewLIFO[int]()) }},
		{"Injector.Len", injector, func() { new(deque.Injector[int]).Len() }},
		{"Stealer.StealBatch into a zero Worker", worker, func() { live.Stealer().StealBatch(new(deque.Worker[int])) }},
		{"Stealer.StealBatchAndPop into a zero Worker", worker, func() { live.Stealer().StealBatchAndPop(new(deque.Worker[int])) }},
		{"Injector.StealBatch into a zero Worker", worker, func() { q.StealBatch(new(deque.Worker[int])) }},
		{"Injector.StealBatchAndPop into a zero Worker", worker, func() { q.StealBatchAndPop(new(deque.Worker[int])) }},
	} {
		t.Run(c.op, func(t *testing.T) {
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				c.fn()
				return "no panic"
			}()
			assert.True(t, strings.HasPrefix(msg, "deque: ") && strings.Contains(msg, c.want),
				"panic %q, want a \"deque: \" message naming %s", msg, c.want)
		})
	}
	// The failed calls took nothing from the live structures.
	v, ok := live.Pop()
	assert.True(t, ok && v == 1, "the Worker's item after the panics: %d, %v", v, ok)
	v, st := q.Steal()
	assert.True(t, st == deque.Success && v == 1, "the Injector's item after the panics: %d, %v", v, st)
}

// TestNoRecycleUnderSteal holds a thief inside each kind of steal, after it
// has pinned and loaded the buffer, while the owner grows and shrinks the
// buffer and flushes the collector many times, so that a buffer retired too
// early comes back as the current one. Every pinned steal checks that the
// buffer it read was not handed out again meanwhile and panics if it was;
// here that panic fails the test with its message. The items hold pointers,
// so every steal pins (see TestSpeculativeStealRecycled for the others).
func TestNoRecycleUnderSteal(t *testing.T) {
	for name, newW := range map[string]func() *deque.Worker[*int]{"LIFO": deque.NewLIFO[*int], "FIFO": deque.NewFIFO[*int]} {
		for _, op := range []string{"Steal", "StealBatch", "StealBatchAndPop"} {
			t.Run(name+"/"+op, func(t *testing.T) {
				w := deque.ShrinkEagerly(newW()) // the Pops below shrink
				item := new(int)
				for range 10 {
					w.Push(item)
				}
				deque.SetStealHook(func() {
					deque.SetStealHook(nil)
					for range 10 {
						for range deque.MinCap {
							w.Push(item) // grow, retiring the thief's buffer
						}
						for range deque.MinCap {
							w.Pop() // shrink: takes a buffer of the first size
						}
						deque.Flush()
					}
				})
				defer deque.SetStealHook(nil)
				dst := newW()
				panicked := func() (r any) {
					defer func() { r = recover() }()
					switch op {
					case "Steal":
						w.Stealer().Steal()
					case "StealBatch":
						w.Stealer().StealBatch(dst)
					case "StealBatchAndPop":
						w.Stealer().StealBatchAndPop(dst)
					}
					return nil
				}()
				require.Nil(t, panicked, "a buffer was recycled while a thief was pinned")
			})
		}
	}
}

// TestSpeculativeStealRecycled: a steal of pointer-free items, which reads
// before claiming and does not pin (outside race builds), is held after
// loading the buffer while the owner recycles that buffer as the current
// one with other items in it. The steal must not return or move what it
// read: it reports Retry, and a fresh Steal gets the oldest item.
func TestSpeculativeStealRecycled(t *testing.T) {
	for _, f := range flavors {
		for _, op := range []string{"Steal", "StealBatch", "StealBatchAndPop"} {
			t.Run(f.name+"/"+op, func(t *testing.T) {
				w := deque.ShrinkEagerly(f.new()) // the Pops below shrink
				for i := range uint64(10) {
					w.Push(i)
				}
				deque.SetStealHook(func() {
					deque.SetStealHook(nil)
					for range 10 {
						for i := range uint64(deque.MinCap) {
							w.Push(100 + i)
						}
						for range deque.MinCap {
							w.Pop()
						}
						deque.Flush()
					}
				})
				defer deque.SetStealHook(nil)
				dst := deque.NewFIFO[uint64]()
				var st deque.Status
				switch op {
				case "Steal":
					_, st = w.Stealer().Steal()
				case "StealBatch":
					st = w.Stealer().StealBatch(dst)
				case "StealBatchAndPop":
					_, st = w.Stealer().StealBatchAndPop(dst)
				}
				require.Equal(t, deque.Retry, st)
				require.Zero(t, dst.Len(), "a failed batch steal moved items")
				want := uint64(0)
				if f.sf != stress.LIFO {
					want = 100 + deque.MinCap - 10 // FIFO pops took the oldest
				}
				v, st := w.Stealer().Steal()
				require.Equal(t, deque.Success, st)
				require.Equal(t, want, v)
			})
		}
	}
}
